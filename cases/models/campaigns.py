"""Campaigns: a named group of cases worked together for a while, with a lead collector
and a target (issue 10). Promotion reviews count the campaigns a person led."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .banks import MONEY
from .debtors import Case


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and branch managers: their branch (HQ all); a collector: the
        campaigns they lead."""
        from cases.access import campaign_visibility, restrict

        return restrict(self, campaign_visibility(user))


class CampaignCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cases.access import campaign_visibility, restrict

        return restrict(self, campaign_visibility(user, prefix="campaign__"))


class Campaign(models.Model):
    """A push on a group of cases (e.g. "M3 before the Spring Festival") led by one
    collector, between two dates, with a target amount."""

    name = models.CharField(_("name"), max_length=200)
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="campaigns_led",
        verbose_name=_("lead collector"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_amount = models.DecimalField(_("target amount"), **MONEY, default=Decimal("0.00"))
    description = models.TextField(_("description"), blank=True)
    cases = models.ManyToManyField(
        Case, through="CampaignCase", related_name="campaigns", verbose_name=_("cases")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(target_amount__gte=0), name="campaign_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignCase(models.Model):
    """A case in a campaign: who added it and when."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="members", verbose_name=_("campaign")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="campaign_memberships", verbose_name=_("case")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CampaignCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign case")
        verbose_name_plural = _("campaign cases")
        ordering = ["campaign_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case"], name="case_once_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} in campaign {self.campaign_id}"
