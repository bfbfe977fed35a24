"""Field visits (DESIGN §4.5): nominations forming a field collector's daily visit list,
visit plans, visit reports with their recording and photos, deadline extensions and
safety alerts raised during a visit.

Every state is a `TextChoices` with an explicit table of allowed transitions
(`TRANSITIONS`), checked by the services (cases/services/visits.py) and tested.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField

from .debtors import Case
from .work import Party

COORDINATE = {"max_digits": 9, "decimal_places": 6}


def _user_fk(verbose_name, *, null: bool = False, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class VisitRowQuerySet(models.QuerySet):
    """Supervisors and branch managers: their branch's rows (HQ all); a field collector:
    their own (the model's FIELD_COLLECTOR_PATH); a phone collector: the rows of cases
    they see (the model's CASE_PATH, if it has one); anyone else nothing."""

    def visible_to(self, user):
        from cases.access import restrict, visit_row_visibility

        model = self.model
        return restrict(
            self,
            visit_row_visibility(
                user,
                collector_path=model.FIELD_COLLECTOR_PATH,
                branch_path=getattr(model, "BRANCH_PATH", "branch"),
                case_path=getattr(model, "CASE_PATH", None),
            ),
        )


class VisitNomination(models.Model):
    """A case put on a field collector's visit list by a phone collector (DESIGN §4.5).

    The nominations one field collector received on one day are that day's visit list.
    The visit is due `VISIT_DUE_WORKING_DAYS` working days after the hand-over
    (`due_at`), later only through an approved `VisitDeadlineExtension`.
    """

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Waiting for the visit")
        REPORTED = "reported", _("Report filed")
        CLOSED = "closed", _("Visit report accepted")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.NOMINATED: {Status.REPORTED, Status.CANCELLED},
        Status.REPORTED: {Status.CLOSED, Status.NOMINATED},  # nominated again: report returned
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }
    OPEN_STATUSES = (Status.NOMINATED, Status.REPORTED)
    FIELD_COLLECTOR_PATH = "field_collector"
    CASE_PATH = "case__"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="visit_nominations", verbose_name=_("case")
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    nominated_by = _user_fk(_("nominated by"))
    field_collector = _user_fk(_("field collector"), related_name="visit_nominations")
    reason = models.TextField(_("reason for the visit"))
    address = EncryptedTextField(_("address to visit"))
    find_out = models.TextField(_("what to find out"))
    nominated_at = models.DateTimeField(_("handed over at"))
    # The company-local day of the hand-over: the visit list the nomination is on.
    list_day = models.DateField(_("visit list of"))
    due_at = models.DateTimeField(_("visit due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    history = HistoricalRecords()

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit nomination")
        verbose_name_plural = _("visit nominations")
        ordering = ["-list_day", "due_at", "pk"]
        indexes = [
            models.Index(fields=["field_collector", "status"], name="visit_nom_collector_idx"),
            models.Index(fields=["branch", "status", "due_at"], name="visit_nom_branch_due_idx"),
            models.Index(fields=["case", "-nominated_at"], name="visit_nom_case_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=("nominated", "reported")),
                name="one_open_visit_nomination_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="cancelled_nomination_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"visit of case {self.case_id} ({self.list_day})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class VisitPlan(models.Model):
    """A field collector's plan for one day: which nominated cases, in which route order;
    the supervisor approves or returns it (the approvals framework, kind cases.visit_plan)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.APPROVED: set(),
        Status.RETURNED: set(),
    }
    FIELD_COLLECTOR_PATH = "field_collector"

    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    field_collector = _user_fk(_("field collector"), related_name="visit_plans")
    visit_date = models.DateField(_("visit date"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = _user_fk(_("decided by"), null=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-visit_date", "-pk"]
        indexes = [
            models.Index(fields=["field_collector", "-visit_date"], name="visit_plan_collector_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted", decided_at__isnull=True)
                | Q(status__in=("approved", "returned"), decided_at__isnull=False),
                name="decided_visit_plan_has_decision_time",
            )
        ]

    def __str__(self) -> str:
        return f"visit plan {self.pk} for {self.visit_date}"


class VisitPlanStop(models.Model):
    """One case of a visit plan, in route order."""

    FIELD_COLLECTOR_PATH = "plan__field_collector"
    BRANCH_PATH = "plan__branch"

    plan = models.ForeignKey(
        VisitPlan, on_delete=models.CASCADE, related_name="stops", verbose_name=_("plan")
    )
    nomination = models.ForeignKey(
        VisitNomination, on_delete=models.PROTECT, related_name="stops", verbose_name=_("visit")
    )
    position = models.PositiveSmallIntegerField(_("route order"))

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plan stop")
        verbose_name_plural = _("visit plan stops")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="visit_stop_position_once"),
            models.UniqueConstraint(
                fields=["plan", "nomination"], name="visit_stop_nomination_once"
            ),
        ]

    def __str__(self) -> str:
        return f"stop {self.position} of plan {self.plan_id}"


class VisitReport(models.Model):
    """What happened at a visit: when, where, whom met, outcome, notes, the recording
    (required) and photos. The supervisor reviews every report (accept or return)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},  # filed again after changes
        Status.ACCEPTED: set(),
    }

    class Outcome(models.TextChoices):
        PROMISED = "promised", _("Met: promised to pay")
        PAID = "paid", _("Met: paid")
        REFUSED = "refused", _("Met: refused to pay")
        HARDSHIP = "hardship", _("Met: cannot pay (hardship)")
        INFORMATION = "information", _("Information found (debtor not met)")
        NOT_FOUND = "not_found", _("Nobody found at the address")
        MOVED = "moved", _("Debtor moved away")
        WRONG_ADDRESS = "wrong_address", _("Address does not exist")
        ABANDONED = "abandoned", _("Visit abandoned (safety)")

    FIELD_COLLECTOR_PATH = "field_collector"
    CASE_PATH = "case__"

    nomination = models.OneToOneField(
        VisitNomination, on_delete=models.PROTECT, related_name="report", verbose_name=_("visit")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="visit_reports", verbose_name=_("case")
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    field_collector = _user_fk(_("field collector"), related_name="visit_reports")
    visited_at = models.DateTimeField(_("visited at"))
    place = models.CharField(_("where"), max_length=255)
    met = models.CharField(_("whom met"), max_length=10, choices=Party.choices)
    met_name = models.CharField(_("name of whom met"), max_length=120, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    recording = models.FileField(_("recording"), upload_to="visit-recordings/%Y/%m/")
    recording_sha256 = models.CharField(_("recording SHA-256"), max_length=64)
    recording_size = models.PositiveBigIntegerField(_("recording size"))
    recording_content_type = models.CharField(_("recording type"), max_length=40)
    latitude = models.DecimalField(_("latitude"), **COORDINATE, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), **COORDINATE, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("filed at"))
    reviewed_by = _user_fk(_("reviewed by"), null=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    history = HistoricalRecords()

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["branch", "status"], name="visit_report_branch_idx"),
            models.Index(fields=["case", "-visited_at"], name="visit_report_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(recording="") & ~Q(recording_sha256=""),
                name="visit_report_has_recording",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="visit_report_location_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="returned_visit_report_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"visit report {self.pk} on case {self.case_id}"


class VisitPhoto(models.Model):
    """A photo taken at a visit, stored as checked from its bytes (location data removed
    unless settings.VISIT_PHOTOS_KEEP_LOCATION)."""

    FIELD_COLLECTOR_PATH = "report__field_collector"
    BRANCH_PATH = "report__branch"
    CASE_PATH = "report__case__"

    report = models.ForeignKey(
        VisitReport, on_delete=models.PROTECT, related_name="photos", verbose_name=_("report")
    )
    image = models.FileField(_("photo"), upload_to="visit-photos/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=20)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of report {self.report_id}"


class VisitDeadlineExtension(models.Model):
    """A field collector's request for more time than the 2 working days; the supervisor
    decides (approvals framework, kind cases.visit_extension)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }
    FIELD_COLLECTOR_PATH = "nomination__field_collector"
    CASE_PATH = "nomination__case__"

    nomination = models.ForeignKey(
        VisitNomination,
        on_delete=models.PROTECT,
        related_name="extensions",
        verbose_name=_("visit"),
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    requested_by = _user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    due_before = models.DateTimeField(_("due before"))
    new_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit deadline extension")
        verbose_name_plural = _("visit deadline extensions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"],
                condition=Q(status="pending"),
                name="one_pending_visit_extension",
            )
        ]

    def __str__(self) -> str:
        return f"visit extension {self.pk} to {self.new_due_on}"


class SafetyAlert(models.Model):
    """An emergency during a visit: reaches the branch's supervisors at once and stays on
    their dashboard until one of them acknowledges it."""

    FIELD_COLLECTOR_PATH = "raised_by"
    CASE_PATH = "case__"

    nomination = models.ForeignKey(
        VisitNomination,
        on_delete=models.PROTECT,
        related_name="safety_alerts",
        verbose_name=_("visit"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="safety_alerts", verbose_name=_("case")
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    raised_by = _user_fk(_("raised by"))
    raised_at = models.DateTimeField(_("raised at"))
    message = models.TextField(_("what is happening"))
    latitude = models.DecimalField(_("latitude"), **COORDINATE, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), **COORDINATE, null=True, blank=True)
    acknowledged_by = _user_fk(_("acknowledged by"), null=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VisitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(
                fields=["branch", "raised_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="safety_alert_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="acknowledged_alert_has_who_when",
            )
        ]

    def __str__(self) -> str:
        return f"safety alert {self.pk} on case {self.case_id}"


__all__ = [
    "SafetyAlert",
    "VisitDeadlineExtension",
    "VisitNomination",
    "VisitPhoto",
    "VisitPlan",
    "VisitPlanStop",
    "VisitReport",
]
