"""Banks, their agreements and API keys, placements (intake), debtors and cases.

New columns on tables that intake writes with raw SQL (cases, debtors, contact
points) carry a `db_default`, so those INSERTs need not name them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField, KeyedHashField, KeyedHashIndex

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


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlacementQuerySet:
        """Placements of the agreements the user's branch handles (HQ: all)."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="agreement__"))

    def of_bank(self, bank) -> PlacementQuerySet:
        """What a bank's API key may see: its own placements."""
        return self.filter(bank=bank)

    def in_flight(self) -> PlacementQuerySet:
        return self.filter(status__in=Placement.IN_FLIGHT)

    @staticmethod
    def late_condition(now: dt.datetime | None = None) -> Q:
        """`Placement.is_late` as a condition (for counts and filters in one query)."""
        now = now or timezone.now()
        sla = Placement.import_sla()
        completed = Q(status=Placement.Status.COMPLETED)
        return (completed & Q(finished_at__gt=models.F("received_at") + sla)) | (
            ~completed & Q(received_at__lt=now - sla)
        )

    def late(self, now: dt.datetime | None = None) -> PlacementQuerySet:
        return self.filter(self.late_condition(now))


class PlacementRowErrorQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlacementRowErrorQuerySet:
        """Rejected rows are visible exactly when their placement is."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="placement__agreement__"))


class AgreementRowQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows of an agreement (its bucket rates) are visible exactly when it is."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="agreement__"))


class DebtorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A debtor is visible to whoever sees one of their cases."""
        from cases.access import debtor_visibility, restrict

        return restrict(self, debtor_visibility(user))


class ContactPointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A debtor's phones and addresses: visible with the debtor."""
        from cases.access import debtor_visibility, restrict

        return restrict(self, debtor_visibility(user, prefix="debtor__"))


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
    notes = models.TextField(_("notes"), blank=True)
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
        """Data is kept until five years after termination (DESIGN §4.1)."""
        if self.terminates_on is None:
            return None
        try:
            return self.terminates_on.replace(year=self.terminates_on.year + 5)
        except ValueError:  # 29 February
            return self.terminates_on.replace(year=self.terminates_on.year + 5, day=28)

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


class Placement(models.Model):
    """One file of overdue accounts uploaded by a bank, and the state of its import."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="placements", verbose_name=_("bank")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="placements", verbose_name=_("agreement")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    original_file = models.FileField(_("original file"), upload_to="placements/%Y/%m/")
    backup_path = models.CharField(_("backup copy"), max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # '' = none given; unique per bank when given.
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by (staff)"),
    )
    api_key = models.ForeignKey(
        BankApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("API key"),
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_created = models.PositiveIntegerField(_("cases created"), default=0)
    rows_updated = models.PositiveIntegerField(_("cases updated"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    # Its new cases must be assigned by then: 1 working day after receipt (DESIGN §4.3).
    # One value per placement, so the unassigned list and the dashboard can compare
    # it in SQL; set on first save (`assignment_due_for`).
    assignment_due_at = models.DateTimeField(_("assign cases by"), null=True, blank=True)
    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["rows_done"])

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-received_at"]
        # The original file is every debtor of the file unmasked (ID numbers, phones,
        # addresses): granted person by person, not with the admin staff role.
        permissions = [
            (
                "download_placement_original",
                _("Can download a bank's original placement file (personal data unmasked)"),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["bank", "sha256"], name="placement_file_once_per_bank"),
            models.UniqueConstraint(
                fields=["bank", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="placement_idempotency_key_per_bank",
            ),
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")) | Q(rows_total=0),
                name="placement_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.code} #{self.pk} {self.original_name}"

    def save(self, *args, **kwargs):
        if self.assignment_due_at is None:
            self.assignment_due_at = assignment_due_for(self.received_at or timezone.now())
        super().save(*args, **kwargs)

    # --- Derived: progress and the intake service level (the one definition) -----------

    IN_FLIGHT = (Status.RECEIVED, Status.PROCESSING)

    @property
    def is_in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def progress(self) -> int:
        """Percentage of rows processed (0–100); a completed placement is 100."""
        if self.status == self.Status.COMPLETED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @staticmethod
    def import_sla() -> dt.timedelta:
        return dt.timedelta(minutes=settings.PLACEMENT_IMPORT_SLA_MINUTES)

    def is_late(self, now: dt.datetime | None = None) -> bool:
        """Not completed within the service level of its receipt (still running, failed,
        or completed after the deadline). `PlacementQuerySet.late` is the same rule in SQL."""
        deadline = self.received_at + self.import_sla()
        finished = self.finished_at if self.status == self.Status.COMPLETED else None
        return (finished or now or timezone.now()) > deadline


def assignment_due_for(received_at: dt.datetime) -> dt.datetime:
    """When a placement's new cases must be assigned: N working days after receipt."""
    from collections_office.workdays import add_working_days

    return add_working_days(received_at, settings.ASSIGNMENT_SLA_WORKING_DAYS)


class PlacementStream(models.Model):
    """One of the parallel writers of a placement's import, and how far it has got.

    The import routes each row by its account number to one of N streams (N fixed
    when the import starts); each stream commits its rows in batches, in file
    order, recording the position in the file up to which its rows are done. A
    resumed import skips, for each stream, the rows up to that position. An
    account always lands in the same stream, so "the first row of an account
    wins" holds as in a single stream.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="streams")
    number = models.PositiveSmallIntegerField()
    # Data rows of the file (1 = the first row after the header), not row numbers.
    rows_done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "number"], name="one_stream_number")
        ]

    def __str__(self) -> str:
        return f"placement {self.placement_id} stream {self.number}: {self.rows_done}"


class PlacementRowError(models.Model):
    """A rejected row (or a warning) of a placement file, for the bank's clerk to fix."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Rejected")
        WARNING = "warning", _("Warning")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=80, blank=True)
    message = models.CharField(_("message"), max_length=500)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )

    objects = PlacementRowErrorQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement row error")
        verbose_name_plural = _("placement row errors")
        ordering = ["placement", "row_number", "pk"]
        indexes = [models.Index(fields=["placement", "row_number"], name="placement_error_row_idx")]

    def __str__(self) -> str:
        return f"row {self.row_number} {self.column}: {self.message}"


class Debtor(models.Model):
    """A person who owes: one per resident ID number across all cases and banks."""

    class IdKind(models.TextChoices):
        RESIDENT = "resident", _("Resident ID card")
        PERMIT = "permit", _("HK/Macau/Taiwan residence permit")
        FOREIGN_PERMANENT = "foreign", _("Foreigner's permanent residence ID")
        NONE = "none", _("No ID number given")

    name = models.CharField(_("name"), max_length=120)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    # Looked up through the partial unique index below (the only lookups are of
    # non-empty hashes); a second index on it would only slow placement intake.
    id_number_hash = KeyedHashField(source="id_number", db_index=False)
    id_kind = models.CharField(
        _("ID kind"), max_length=10, choices=IdKind.choices, default=IdKind.NONE
    )
    # IANA zone the contact window is read in, when the rule set reads the debtor's
    # own zone (US profile); blank = the rule set's default zone.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is read by debtor id and date; every other index there only slows
    # placement intake (100,000 history rows per file).
    objects = DebtorQuerySet.as_manager()
    history = HistoricalRecords(no_db_index=["name", "id_number_hash"], user_db_constraint=False)

    class Meta:
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="one_debtor_per_id_number",
            )
        ]
        # No index on name: the case search matches names by substring (icontains),
        # which a b-tree cannot serve, and nothing looks a name up exactly; an index
        # on it costs intake a random b-tree insert per new debtor.

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """A phone number or address of a debtor, from a placement or found by a collector."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        ADDRESS = "address", _("Address")

    class Source(models.TextChoices):
        PLACEMENT = "placement", _("Bank placement")
        COLLECTOR = "collector", _("Collector")
        DEBTOR = "debtor", _("Given by the debtor")
        THIRD_PARTY = "third_party", _("Given by a third party")
        SKIP_TRACE = "skip_trace", _("Information repair (skip tracing)")

    class Relation(models.TextChoices):
        """Whose number or address it is (third parties: only to find the debtor)."""

        DEBTOR = "debtor", _("Debtor")
        RELATIVE = "relative", _("Relative")
        COLLEAGUE = "colleague", _("Colleague")
        OTHER = "other", _("Other")

    # Indexed by the unique (debtor, kind, value_hash) constraint, which starts with it.
    debtor = models.ForeignKey(
        Debtor,
        on_delete=models.PROTECT,
        related_name="contact_points",
        verbose_name=_("debtor"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = EncryptedTextField(_("value"))
    value_hash = KeyedHashField(source="value", db_index=False)  # see Meta.indexes
    is_valid = models.BooleanField(_("valid"), default=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.PLACEMENT
    )
    relation = models.CharField(
        _("relation"),
        max_length=10,
        choices=Relation.choices,
        default=Relation.DEBTOR,
        db_default=Relation.DEBTOR,
    )
    # For a third party's number: who answers it (e.g. "sister, Wang Fang").
    contact_name = models.CharField(_("whose number"), max_length=120, blank=True, db_default="")
    invalid_reason = models.CharField(_("why invalid"), max_length=255, blank=True, db_default="")
    invalidated_at = models.DateTimeField(_("marked invalid at"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked invalid by"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    objects = ContactPointQuerySet.as_manager()
    history = HistoricalRecords(
        no_db_index=["debtor", "value_hash", "invalidated_by", "added_by"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "kind", "value_hash"], name="contact_point_once_per_debtor"
            ),
            models.CheckConstraint(
                condition=Q(is_valid=True) | ~Q(invalid_reason=""),
                name="invalid_contact_point_has_reason",
            ),
        ]
        # Finding a debtor by phone (db_index=True would add a useless LIKE index).
        indexes = [KeyedHashIndex(fields=["value_hash"], name="contact_point_hash_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.debtor_id}"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The cases `user` may see (DESIGN §3); see `cases.access.case_visibility`."""
        from cases.access import case_visibility

        condition = case_visibility(user)
        if condition is None:
            return self
        return self.filter(condition) if condition else self.none()

    def of_bank(self, bank) -> CaseQuerySet:
        """What a bank's API key may see: its own cases."""
        return self.filter(bank=bank)

    def open(self) -> CaseQuerySet:
        """Cases still being worked: not settled, closed or recalled."""
        return self.filter(status__in=Case.OPEN_STATUSES)


class Case(models.Model):
    """One overdue account of one bank, placed with the agency for collection."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        SETTLED = "settled", _("Settled")
        CLOSED = "closed", _("Closed")
        RECALLED = "recalled", _("Recalled by bank")

    class Classification(models.TextChoices):
        """What the debtor can do, and so how to collect (DESIGN §4.4, rules 十)."""

        CASH = "cash", _("Able to pay: press for cash")
        COLLATERAL = "collateral", _("Unable but viable: collateral or guarantee")
        IN_KIND = "in_kind", _("Unable to pay: settlement in kind")
        LITIGATION = "litigation", _("Malicious: legal action")

    OPEN_STATUSES = ("new", "assigned", "in_progress")

    # bank and branch lead the (bank, account_no), (bank, updated_at, id) and
    # (branch, status) indexes: single-column indexes on them would only slow intake.
    bank = models.ForeignKey(
        Bank,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("bank"),
        db_index=False,
    )
    # No index on agreement and last_placement: no page or API asks for the cases of one
    # agreement or placement, and intake would pay one index entry per case for each.
    # (Deleting an agreement or placement — both PROTECTed — scans the cases instead.)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("agreement"),
        db_index=False,
    )
    # Inherited from the agreement when placed: who handles the case.
    branch = models.ForeignKey(
        "staff.Branch",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("branch"),
        db_index=False,
    )
    debtor = models.ForeignKey(
        Debtor, on_delete=models.PROTECT, related_name="cases", verbose_name=_("debtor")
    )
    last_placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("last placement"),
        db_index=False,
    )
    account_no = models.CharField(_("account number"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    principal = models.DecimalField(_("principal"), **MONEY, default=Decimal("0.00"))
    interest = models.DecimalField(_("interest"), **MONEY, default=Decimal("0.00"))
    fees = models.DecimalField(_("fees"), **MONEY, default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    product = models.CharField(_("product"), max_length=80, blank=True)
    card_no_masked = models.CharField(_("card number (masked)"), max_length=32, blank=True)
    placed_at = models.DateTimeField(_("placed at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    # Last conversation with the debtor (a right-party contact); the bank API shows it.
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    # The current assignment's start, and the collector's first logged action in it
    # (must come within FIRST_ACTION_SLA_MINUTES). Both reset on reassignment.
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    # Kept by the call log service so the queue orders by columns of this row alone.
    last_call_at = models.DateTimeField(_("last call"), null=True, blank=True)
    next_callback_at = models.DateTimeField(_("callback due"), null=True, blank=True)
    classification = models.CharField(
        _("debtor classification"),
        max_length=12,
        choices=Classification.choices,
        blank=True,
        db_default="",
    )
    objects = CaseQuerySet.as_manager()
    # History is read by case id and date (the case page's timeline). The call log's
    # bookkeeping columns change with every call and are in the call log already.
    history = HistoricalRecords(
        excluded_fields=["last_call_at", "next_callback_at", "first_action_at"],
        no_db_index=[
            "status",
            "updated_at",
            "agreement",
            "assigned_to",
            "bank",
            "branch",
            "debtor",
            "last_placement",
        ],
        # Intake writes ~430,000 history rows per 100,000-row file (cases, debtors,
        # contact points), all without a user: a foreign-key trigger firing for each
        # of them costs ~1 s. Django still applies SET_NULL when a user is deleted.
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-placed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "account_no"], name="case_account_once_per_bank"
            ),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0) & Q(fees__gte=0),
                name="case_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="recalled") | Q(recalled_at__isnull=False),
                name="recalled_case_has_recall_time",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status"], name="case_branch_status_idx"),
            # A plain index (db_index=True would add a useless LIKE index too).
            models.Index(fields=["status"], name="case_status_idx"),
            models.Index(fields=["bank", "updated_at", "id"], name="case_bank_updated_idx"),
            # The collector's queue ranks all of a collector's open cases on every view:
            # with every column it reads included, that is an index-only scan instead of
            # one heap page per case. Partial: intake inserts unassigned cases, which
            # never enter it.
            models.Index(
                fields=["assigned_to", "status"],
                include=[
                    "id",
                    "branch",
                    "next_callback_at",
                    "first_action_at",
                    "last_call_at",
                    "last_contact_at",
                    "principal",
                    "interest",
                    "fees",
                    "bank",
                    "overdue_since",
                ],
                condition=Q(assigned_to__isnull=False),
                name="case_queue_idx",
            ),
            # Assigned cases nobody has acted on yet: the first-action service level
            # (dashboard, breaches) reads these few rows, not every open case. Intake's
            # new cases are unassigned, so it never writes to this index.
            models.Index(
                fields=["branch", "assigned_at"],
                name="case_awaiting_first_action_idx",
                condition=Q(
                    assigned_to__isnull=False,
                    first_action_at__isnull=True,
                    status__in=("new", "assigned", "in_progress"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.code} {self.account_no}"

    @property
    def balance(self) -> Decimal:
        return self.principal + self.interest + self.fees

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
