"""Banks, their cooperation agreements (with commission terms) and their API keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4}  # 0.1250 = 12.5 %


class BankQuerySet(models.QuerySet):
    def visible_to(self, user) -> BankQuerySet:
        """Banks `user` may see (see `cases.access.bank_visibility`)."""
        from cases.access import bank_visibility, restrict

        return restrict(self, bank_visibility(user))

    def keys_managed_by(self, user) -> BankQuerySet:
        """Banks whose API keys `user` issues and revokes (`managed_bank_visibility`)."""
        from cases.access import managed_bank_visibility, restrict

        return restrict(self, managed_bank_visibility(user))


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgreementQuerySet:
        """Agreements of the branch that handles them (HQ: all); admin staff only."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user))

    def of_bank(self, bank) -> AgreementQuerySet:
        """What a bank's API key may see: its own agreements."""
        return self.filter(bank=bank)


class BankApiKeyQuerySet(models.QuerySet):
    def visible_to(self, user) -> BankApiKeyQuerySet:
        """Keys of the banks whose agreements the user's branch handles (HQ: all)."""
        from cases.access import managed_bank_visibility, restrict

        return restrict(self, managed_bank_visibility(user, prefix="bank__"))


class AgreementRowQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows of an agreement (its bucket rates) are visible exactly when it is."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="agreement__"))


class Bank(models.Model):
    """A client bank that places overdue accounts with the agency."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    # Routine channel: day-to-day liaison, with the file-transfer arrangement.
    routine_contact_name = models.CharField(_("routine contact"), max_length=120)
    routine_contact_email = models.EmailField(_("routine contact email"))
    routine_contact_phone = models.CharField(_("routine contact phone"), max_length=32)
    file_transfer_channel = models.CharField(
        _("file transfer channel"),
        max_length=255,
        help_text=_("How files are exchanged, e.g. API, SFTP host and folder."),
    )
    # Emergency channel: a person reachable by phone at any time.
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=32)
    # The bank's placement-file header → our field (see cases.intake.columns).
    column_mapping = models.JSONField(_("placement column mapping"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    objects = BankQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """The filed cooperation agreement (合作協議) under which a bank places cases."""

    class CommissionType(models.TextChoices):
        FLAT = "flat", _("Flat rate")
        BY_BUCKET = "by_bucket", _("Rate by overdue bucket")

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("bank")
    )
    number = models.CharField(_("agreement number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    effective_from = models.DateField(_("effective from"))
    terminates_on = models.DateField(_("terminates on"), null=True, blank=True)
    commission_type = models.CharField(
        _("commission terms"),
        max_length=12,
        choices=CommissionType.choices,
        default=CommissionType.FLAT,
    )
    flat_rate = models.DecimalField(
        _("flat commission rate"),
        **RATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    reconciliation_day = models.PositiveSmallIntegerField(
        _("monthly reconciliation day"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    collection_period_days = models.PositiveSmallIntegerField(
        _("collection period (days)"), default=30, validators=[MinValueValidator(1)]
    )
    branch = models.ForeignKey(
        "staff.Branch",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("handling branch"),
    )
    document = models.FileField(_("agreement document"), upload_to="agreements/", blank=True)
    # None = the company's rule set (DESIGN §4.7: a bank may require stricter rules).
    compliance_rule_set = models.ForeignKey(
        "cases.ComplianceRuleSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("compliance rules"),
        help_text=_("Leave empty to follow the company's rule set."),
    )
    # The bank's minimum acceptable terms for a payment plan (DESIGN §4.8): a plan
    # inside them is recorded at once, one outside them needs a supervisor's approval.
    # Blank = no limit on that term.
    plan_min_down_payment_percent = models.DecimalField(
        _("payment plans: minimum down payment (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The first instalment as a share of the plan's total."),
    )
    plan_max_instalments = models.PositiveSmallIntegerField(
        _("payment plans: most instalments"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    plan_max_term_months = models.PositiveSmallIntegerField(
        _("payment plans: longest term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("From the day the plan is agreed to its last instalment."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # DESIGN §4.1: five years by default; a bank may require longer or shorter (HQ sets it).
    retention_years = models.PositiveSmallIntegerField(
        _("data kept (years after termination)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["bank__name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="agreement_number_per_bank"),
            models.CheckConstraint(
                condition=Q(terminates_on__isnull=True)
                | Q(terminates_on__gte=models.F("effective_from")),
                name="agreement_terminates_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(commission_type="flat") | Q(flat_rate__isnull=False),
                name="flat_agreement_has_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.code} {self.number}"

    @property
    def retention_ends_on(self) -> dt.date | None:
        """Data is kept until `retention_years` (five by default) after termination
        (DESIGN §4.1); the retention purge deletes it after that day."""
        if self.terminates_on is None:
            return None
        years = self.terminates_on.year + (self.retention_years or 5)
        try:
            return self.terminates_on.replace(year=years)
        except ValueError:  # 29 February
            return self.terminates_on.replace(year=years, day=28)

    def is_in_force(self, on: dt.date) -> bool:
        started = self.effective_from <= on
        return started and (self.terminates_on is None or on <= self.terminates_on)


class OverdueBucket(models.TextChoices):
    """Overdue buckets by months past due (DESIGN §4.4)."""

    M1 = "M1", _("M1 (1–30 days)")
    M2 = "M2", _("M2 (31–60 days)")
    M3 = "M3", _("M3 (61–90 days)")
    M4_6 = "M4-6", _("M4–6 (91–180 days)")
    M6_PLUS = "M6+", _("M6+ (over 180 days)")


def overdue_bucket(overdue_since: dt.date | None, on: dt.date) -> str | None:
    if overdue_since is None:
        return None
    days = (on - overdue_since).days
    if days <= 30:
        return OverdueBucket.M1
    if days <= 60:
        return OverdueBucket.M2
    if days <= 90:
        return OverdueBucket.M3
    if days <= 180:
        return OverdueBucket.M4_6
    return OverdueBucket.M6_PLUS


class AgreementCommissionRate(models.Model):
    """The commission rate of one overdue bucket, for agreements paid by bucket."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="bucket_rates")
    bucket = models.CharField(_("overdue bucket"), max_length=8, choices=OverdueBucket.choices)
    rate = models.DecimalField(
        _("commission rate"),
        **RATE,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    objects = AgreementRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commission rate by bucket")
        verbose_name_plural = _("commission rates by bucket")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "bucket"], name="one_rate_per_bucket"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=1), name="bucket_rate_between_0_and_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.bucket}: {self.rate}"


class BankApiKey(models.Model):
    """A bank's credential for the REST API: shown once, stored as a SHA-256 hash."""

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("bank")
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What the key is used for."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    objects = BankApiKeyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("bank API key")
        verbose_name_plural = _("bank API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.bank.code} {self.prefix}…"
