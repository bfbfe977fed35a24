"""Debtors, their contact points and their cases (one overdue account of one bank each).

New columns on tables that intake writes with raw SQL (cases, debtors, contact
points) carry a `db_default`, so those INSERTs need not name them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField, KeyedHashField, KeyedHashIndex

from .banks import MONEY, Agreement, Bank
from .placements import Placement


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
    # Kept by the promise services (cases.services.promises) so the queue ranks promise
    # work from columns of this row alone: the earliest due date of an open promise, and
    # the day the latest promise was found broken or partly kept (None once the case has
    # a newer promise).
    promise_due_on = models.DateField(_("promise due"), null=True, blank=True, db_default=None)
    promise_broken_on = models.DateField(
        _("promise broken on"), null=True, blank=True, db_default=None
    )
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
        excluded_fields=[
            "last_call_at",
            "next_callback_at",
            "first_action_at",
            "promise_due_on",
            "promise_broken_on",
        ],
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
                    "promise_due_on",
                    "promise_broken_on",
                ],
                condition=Q(assigned_to__isnull=False),
                name="case_queue_idx",
            ),
            # The open cases of a branch oldest placement first: the dashboard's cases past
            # their collection period walk it and stop at the few they show (and a capped
            # count), instead of sorting every open case (5.3 s at 1,000,000 cases).
            models.Index(
                fields=["branch", "placed_at", "id"],
                name="case_open_placed_idx",
                condition=Q(status__in=("new", "assigned", "in_progress")),
            ),
            # Assigned cases nobody has acted on yet: the first-action service level
            # (dashboard, breaches) reads these few rows, not every open case. Intake's
            # new cases are unassigned, so it never writes to this index.
            # With the id: the breaches are listed by (assigned_at, id), and a distribution
            # assigns thousands of cases at one instant (a sort of them all otherwise).
            models.Index(
                fields=["branch", "assigned_at", "id"],
                name="case_awaiting_action_idx",
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
