"""Compliance rules as data (DESIGN §4.7), and the record of refusals, overrides, violations.

A rule set is a row with one row of limits per contact channel; the engine in
`cases.compliance` reads them as plain values and decides, without the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .debtors import Case, ContactPoint
from .work import CaseRowQuerySet


class ContactChannel(models.TextChoices):
    """How a debtor is contacted; calls first, the rest come later (DESIGN §10)."""

    CALL = "call", _("Phone call")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Field visit")


class ComplianceRuleSet(models.Model):
    """A named set of contact rules; the company uses one, an agreement may pick another."""

    class TimeZoneSource(models.TextChoices):
        FIXED = "fixed", _("One zone for everyone (the default zone)")
        DEBTOR = "debtor", _("The debtor's own zone (default zone when unknown)")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    time_zone_source = models.CharField(
        _("contact window read in"),
        max_length=8,
        choices=TimeZoneSource.choices,
        default=TimeZoneSource.FIXED,
    )
    default_time_zone = models.CharField(_("default time zone"), max_length=64)
    is_company_default = models.BooleanField(_("the company's rule set"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance rule set")
        verbose_name_plural = _("compliance rule sets")
        ordering = ["-is_company_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_company_default"],
                condition=Q(is_company_default=True),
                name="one_company_rule_set",
            )
        ]

    def __str__(self) -> str:
        from staff.stored_text import shown_in_language  # the shipped sets' names in Chinese

        return shown_in_language(self.name)


class ComplianceChannelRules(models.Model):
    """The limits of one rule set for one contact channel (empty = no such limit)."""

    rule_set = models.ForeignKey(
        ComplianceRuleSet, on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    # The window is [start, end): at the end time itself it is already closed.
    window_start = models.TimeField(_("contact window from"))
    window_end = models.TimeField(_("contact window until"))
    max_unanswered_per_point_per_day = models.PositiveSmallIntegerField(
        _("unanswered attempts per number per day"), null=True, blank=True
    )
    max_attempts_per_case_per_7_days = models.PositiveSmallIntegerField(
        _("attempts per debt in 7 days"), null=True, blank=True
    )
    quiet_days_after_conversation = models.PositiveSmallIntegerField(
        _("quiet days after a conversation"), null=True, blank=True
    )
    third_party_only_when_unreachable = models.BooleanField(
        _("third parties only when the debtor is unreachable"), default=True
    )
    unreachable_after_failed_attempts = models.PositiveSmallIntegerField(
        _("unreachable after failed attempts"), null=True, blank=True
    )
    unreachable_within_days = models.PositiveSmallIntegerField(
        _("… within days"), null=True, blank=True
    )
    recording_required = models.BooleanField(_("recording required"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel rules")
        verbose_name_plural = _("channel rules")
        ordering = ["rule_set", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "channel"], name="one_rules_per_channel"),
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("window_end")),
                name="contact_window_starts_before_it_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.code} {self.channel}"


class ComplianceOverride(models.Model):
    """A supervisor's recorded permission for one contact the rules refused."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="compliance_overrides", verbose_name=_("case")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="compliance_overrides",
        verbose_name=_("for collector"),
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=ContactChannel.choices, default=ContactChannel.CALL
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("number"),
    )
    # The rule codes it lets through, and the refusal as the collector saw it.
    rules = models.JSONField(_("rules overridden"), default=list)
    message = models.TextField(_("what the rules said"), blank=True)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), db_index=True)
    valid_until = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance override")
        verbose_name_plural = _("compliance overrides")
        ordering = ["-granted_at", "-pk"]
        indexes = [
            models.Index(fields=["collector", "-granted_at"], name="override_collector_idx"),
            models.Index(fields=["case", "-granted_at"], name="override_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"override {self.pk} on case {self.case_id}"


class ComplianceRefusal(models.Model):
    """A contact the rules refused (the collector was told which rule and why)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="compliance_refusals", verbose_name=_("case")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="compliance_refusals",
        verbose_name=_("collector"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    contact_point = models.ForeignKey(
        ContactPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("number"),
    )
    refused_at = models.DateTimeField(_("refused at"), db_index=True)
    rules = models.JSONField(_("rules"), default=list)
    message = models.TextField(_("message"))

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance refusal")
        verbose_name_plural = _("compliance refusals")
        ordering = ["-refused_at", "-pk"]
        indexes = [
            models.Index(fields=["collector", "-refused_at"], name="refusal_collector_idx"),
        ]

    def __str__(self) -> str:
        return f"refusal {self.pk} on case {self.case_id}"


class ComplianceViolation(models.Model):
    """A breach of the rules a supervisor has confirmed (promotion reviews read these)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="compliance_violations",
        verbose_name=_("case"),
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="compliance_violations",
        verbose_name=_("collector"),
    )
    call = models.ForeignKey(
        "cases.CallLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("call"),
    )
    rule = models.CharField(_("rule"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.TextField(_("what happened"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    history = HistoricalRecords()

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance violation")
        verbose_name_plural = _("compliance violations")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["collector", "-occurred_at"], name="violation_collector_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} by {self.collector_id} on case {self.case_id}"
