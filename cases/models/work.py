"""The collection work on a case: assignment, holds, call outcomes and the call log (§4.3–4.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .debtors import Case, ContactPoint


class CaseRowQuerySet(models.QuerySet):
    """Rows that belong to a case are visible exactly when their case is."""

    def visible_to(self, user):
        from cases.access import restrict_to_visible_cases

        return restrict_to_visible_cases(self, user, prefix="case__")


class CaseAssignmentBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assignment acts of the user's branch (HQ: all), for those who see its cases."""
        from cases.access import assignment_batch_visibility, restrict

        return restrict(self, assignment_batch_visibility(user))


class Party(models.TextChoices):
    """Who was reached (third parties only to find the debtor, DESIGN §4.7)."""

    DEBTOR = "debtor", _("Debtor")
    RELATIVE = "relative", _("Relative")
    COLLEAGUE = "colleague", _("Colleague")
    OTHER = "other", _("Other third party")
    NOBODY = "nobody", _("Nobody (not answered)")


class CaseAssignmentBatch(models.Model):
    """One act of assigning: a case, a selection, all a filter matched, or a distribution."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("One case")
        SELECTION = "selection", _("Selected cases")
        FILTER = "filter", _("Every case a filter matched")
        AUTOMATIC = "automatic", _("Automatic distribution")
        REASSIGNMENT = "reassignment", _("Reassignment")
        HANDOVER = "handover", _("Handover")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # What was asked for, as people read it (the filter, the balancing options).
    description = models.CharField(_("description"), max_length=500, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    case_count = models.PositiveIntegerField(_("cases"), default=0)

    objects = CaseAssignmentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment batch")
        verbose_name_plural = _("assignment batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CaseAssignment(models.Model):
    """A row of assignment history: a case moved from one collector (or nobody) to another."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("case")
    )
    from_collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_assignments",
        verbose_name=_("to"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    assigned_at = models.DateTimeField(_("at"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    batch = models.ForeignKey(
        CaseAssignmentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("batch"),
    )
    # The assignment service level (DESIGN §4.3): was this the case's first assignment
    # after its placement, and was it late? Kept so breaches are counted without
    # re-deriving working days for every past row.
    first_after_placement = models.BooleanField(_("first after placement"), default=False)
    assignment_late = models.BooleanField(_("assigned late"), default=False)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["-assigned_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-assigned_at"], name="assignment_case_idx"),
            models.Index(fields=["to_collector", "-assigned_at"], name="assignment_collector_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_collector__isnull=True)
                | Q(to_collector__isnull=True)
                | ~Q(from_collector=models.F("to_collector")),
                name="assignment_changes_collector",
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.from_collector_id} → {self.to_collector_id}"


class CaseHold(models.Model):
    """A stop on all contact with a case: an open dispute or a cease-contact request."""

    class Kind(models.TextChoices):
        DISPUTE = "dispute", _("Dispute")
        CEASE_CONTACT = "cease_contact", _("Cease contact")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="holds", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    placed_at = models.DateTimeField(_("placed at"))
    # Only a supervisor lifts a hold (services check the role).
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("why lifted"), blank=True)
    history = HistoricalRecords()

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hold_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | (Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="lifted_hold_has_who_when_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class CallOutcome(models.Model):
    """A configurable outcome code of a call (defaults from DESIGN §4.4)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("label"), max_length=80)
    label_zh = models.CharField(_("label (Chinese)"), max_length=80, blank=True)
    # Someone picked up (an unanswered attempt counts towards the per-number cap).
    answered = models.BooleanField(_("answered"))
    # With the debtor as party: a right-party conversation (quiet periods, last contact).
    conversation = models.BooleanField(_("conversation"))
    requires_callback = models.BooleanField(_("needs a callback time"), default=False)
    # The number turned out wrong: the form offers to mark it invalid.
    suggests_invalid_number = models.BooleanField(_("suggests a wrong number"), default=False)
    # The debtor disputes the debt: the form offers to place a dispute hold.
    suggests_dispute = models.BooleanField(_("suggests a dispute"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call outcome")
        verbose_name_plural = _("call outcomes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if self.label_zh and (get_language() or "").startswith("zh"):
            return self.label_zh
        return self.label


class CallLog(models.Model):
    """One phone call on a case, with its recording (DESIGN §4.4).

    A call dialled from the case page is first *started* (checked against the rules
    before the number is dialled, no outcome yet); logging it fills in the same row, so
    one call is one attempt. A logged call is a draft until it has a recording (a file
    or the telephony system's id) and is completed; a completed call is changed only by
    a supervisor's correction, which history keeps.
    """

    class Status(models.TextChoices):
        STARTED = "started", _("Started, not logged yet")
        DRAFT = "draft", _("Draft (no recording yet)")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="calls", verbose_name=_("case")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("collector"),
    )
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.PROTECT, related_name="calls", verbose_name=_("number")
    )
    party = models.CharField(_("party reached"), max_length=10, choices=Party.choices)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    # Empty only while the call is started and not yet logged (a constraint says so).
    outcome = models.ForeignKey(
        CallOutcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome"),
    )
    notes = models.TextField(_("notes"), blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    recording = models.FileField(_("recording"), upload_to="recordings/%Y/%m/", blank=True)
    recording_sha256 = models.CharField(_("recording SHA-256"), max_length=64, blank=True)
    recording_size = models.PositiveBigIntegerField(_("recording size"), null=True, blank=True)
    recording_content_type = models.CharField(_("recording type"), max_length=40, blank=True)
    telephony_recording_id = models.CharField(
        _("telephony recording id"), max_length=120, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    # The supervisor's override that let a call the rules refused go ahead.
    compliance_override = models.ForeignKey(
        "cases.ComplianceOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("compliance override"),
    )
    history = HistoricalRecords(no_db_index=["case", "collector", "contact_point", "outcome"])

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-started_at"], name="call_case_started_idx"),
            # A collector's calls by time, with the case: the performance figures' "cases
            # worked" over a year (COUNT DISTINCT case per collector) read the index alone.
            models.Index(
                fields=["collector", "-started_at"],
                include=["case"],
                name="call_collector_cover_idx",
            ),
            models.Index(fields=["contact_point", "-started_at"], name="call_point_started_idx"),
            # Today's calls of the whole company/branch (the supervisor's dashboard):
            # an index-only range scan, the counted columns included.
            models.Index(
                fields=["started_at"],
                include=["collector", "party", "outcome"],
                name="call_started_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=("started", "draft"), completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="call_completed_at_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(status="started") | Q(outcome__isnull=False),
                name="call_outcome_once_logged",
            ),
            models.CheckConstraint(
                condition=Q(recording="") | ~Q(recording_sha256=""),
                name="call_recording_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"call {self.pk} on case {self.case_id}"

    @property
    def has_recording(self) -> bool:
        return bool(self.recording) or bool(self.telephony_recording_id)

    @property
    def is_conversation(self) -> bool:
        """A right-party contact: the debtor was reached and spoken with."""
        return self.party == Party.DEBTOR and self.outcome is not None and self.outcome.conversation
