"""Special procedures and collection-period extensions (DESIGN §4.6): both need the
supervisor's approval (the approvals framework) before they take effect.

A special procedure (legal action, outsourcing, settlement in kind, collateral, police
report) moves requested → approved → started → closed (with an outcome); a refused
request ends there. Nothing starts unapproved: the state table has no path to
"started" but through "approved", and a check constraint holds the started time to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .debtors import Case
from .work import CaseRowQuerySet


def _user_fk(verbose_name, *, null: bool = False):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class SpecialProcedure(models.Model):
    """A step beyond ordinary collection on a case, approved by the supervisor first."""

    class Kind(models.TextChoices):
        LEGAL_ACTION = "legal_action", _("Legal action")
        OUTSOURCING = "outsourcing", _("Outsourcing")
        SETTLEMENT_IN_KIND = "in_kind", _("Settlement in kind")
        COLLATERAL = "collateral", _("Collateral")
        POLICE_REPORT = "police_report", _("Police report")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not started")
        REFUSED = "refused", _("Refused")
        STARTED = "started", _("Started")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: {Status.STARTED},
        Status.STARTED: {Status.CLOSED},
        Status.REFUSED: set(),
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.STARTED)

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="special_procedures", verbose_name=_("case")
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    kind = models.CharField(_("procedure"), max_length=14, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = _user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    started_by = _user_fk(_("started by"), null=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_by = _user_fk(_("closed by"), null=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["case", "-requested_at"], name="procedure_case_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status__in=("requested", "approved", "started")),
                name="one_open_procedure_per_kind",
            ),
            # Nothing starts unapproved: a start time only on started or closed procedures.
            models.CheckConstraint(
                condition=Q(status__in=("started", "closed"), started_at__isnull=False)
                | Q(status__in=("requested", "approved", "refused"), started_at__isnull=True),
                name="procedure_started_only_after_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="closed_procedure_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"


class SpecialProcedureDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cases.access import restrict_to_visible_cases

        return restrict_to_visible_cases(self, user, prefix="procedure__case__")


class SpecialProcedureDocument(models.Model):
    """A document supporting a special procedure request (PDF, JPEG or PNG)."""

    procedure = models.ForeignKey(
        SpecialProcedure,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("procedure"),
    )
    file = models.FileField(_("document"), upload_to="procedure-documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = SpecialProcedureDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure document")
        verbose_name_plural = _("procedure documents")
        ordering = ["procedure", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CollectionPeriodExtension(models.Model):
    """A request to keep working a case past its collection period: a reason and the
    next steps, approved by the supervisor (approvals framework, kind
    cases.period_extension). An approved one moves the period's end to `new_ends_on`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="period_extensions",
        verbose_name=_("case"),
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    ends_before = models.DateField(_("period ended on"))
    new_ends_on = models.DateField(_("extend to"))
    reason = models.TextField(_("reason"))
    next_steps = models.TextField(_("next-step plan"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = _user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection period extension")
        verbose_name_plural = _("collection period extensions")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(
                fields=["case", "new_ends_on"],
                condition=Q(status="approved"),
                name="period_extension_approved_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_period_extension"
            ),
            models.CheckConstraint(
                condition=Q(new_ends_on__gt=models.F("ends_before")),
                name="period_extension_moves_end_later",
            ),
        ]

    def __str__(self) -> str:
        return f"period extension of case {self.case_id} to {self.new_ends_on}"
