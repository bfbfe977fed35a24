"""Promotion reviews (DESIGN §5): the ladder's history, criteria, targets, cycles, applications.

The chain: a cycle HR opens → an application (figures frozen at submission) → department
review → HR review → committee votes and decision → public notice (N working days) with
appeals → appointment on the effective date (a scheduled task), recorded in LevelChange.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch, Department, Position

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 2}


class LevelChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own history; HR, department heads, supervisors: their branch; HQ: all."""
        from .. import roles
        from ..selectors import has_role, restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        own = self.filter(user=user)
        if has_role(user, roles.HR, roles.DEPARTMENT_HEAD, roles.SUPERVISOR, roles.COMMITTEE):
            return restrict_to_branch(self, user=user, branch_field="user__staff_profile__branch")
        return own


class LevelChange(models.Model):
    """One change of a person's place on the ladder: from, to, effective date, and why."""

    class Reason(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment after a promotion review")
        HR_CORRECTION = "hr_correction", _("HR correction")
        HIRED = "hired", _("Hired at this level")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="level_changes",
        verbose_name=_("person"),
    )
    from_position = models.CharField(_("from"), max_length=32, choices=Position.choices, blank=True)
    to_position = models.CharField(_("to"), max_length=32, choices=Position.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    application = models.ForeignKey(
        "staff.PromotionApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="level_changes",
        verbose_name=_("application"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LevelChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            # An appointment happens once per application, whatever re-runs the task.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False),
                name="one_level_change_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_position} → {self.to_position} ({self.effective_on})"


class PromotionCriteria(models.Model):
    """What a step up the ladder requires (HR edits these; defaults in docs/decisions.md)."""

    from_position = models.CharField(
        _("from"), max_length=32, choices=Position.choices, unique=True
    )
    min_amount = models.DecimalField(
        _("cumulative amount collected in the cycle (CNY)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_success_rate = models.DecimalField(
        _("success rate (%)"),
        **PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    min_monthly_completion = models.DecimalField(
        _("monthly task completion, every month (%)"),
        **PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    min_complex_cases = models.PositiveIntegerField(_("complex cases handled"), default=0)
    min_campaigns_led = models.PositiveIntegerField(_("campaigns led"), default=0)
    min_months_at_level = models.PositiveIntegerField(
        _("minimum months at the current level"), default=0
    )
    capability_requirements = models.TextField(_("capability requirements"), blank=True)
    attitude_requirements = models.TextField(_("attitude requirements"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion criteria")
        verbose_name_plural = _("promotion criteria")
        ordering = ["from_position"]

    def __str__(self) -> str:
        return str(self.get_from_position_display())


class ComplexCaseDefinition(models.Model):
    """What makes a case "complex" for the mid → senior step (one row, HR edits it).

    A case counts when any one condition holds: its balance, how long it was overdue
    when placed, or the debtor's classification.
    """

    min_balance = models.DecimalField(
        _("balance from (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    min_days_overdue = models.PositiveIntegerField(_("overdue for at least (days)"))
    classifications = models.JSONField(_("debtor classifications"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complex case definition")
        verbose_name_plural = _("complex case definitions")

    def __str__(self) -> str:
        return f"≥ {self.min_balance} / ≥ {self.min_days_overdue} d / {self.classifications}"


class MonthlyTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from ..selectors import restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict_to_branch(
            self, user=user, branch_field="user__staff_profile__branch"
        ) | self.filter(user=user)


class MonthlyTarget(models.Model):
    """The amount a collector is to collect in a month, set by their supervisor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monthly_targets",
        verbose_name=_("collector"),
    )
    month = models.DateField(_("month"))
    amount = models.DecimalField(
        _("target (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = HistoricalRecords()

    objects = MonthlyTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly target")
        verbose_name_plural = _("monthly targets")
        ordering = ["-month", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="one_target_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="target_month_first_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="target_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.month:%Y-%m}: {self.amount}"


class UpheldComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .. import roles
        from ..selectors import has_role, restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if has_role(user, roles.HR):
            return restrict_to_branch(self, user=user)
        return self.filter(subject=user)


class UpheldComplaint(models.Model):
    """A complaint against a staff member that was investigated and upheld (HR records it).

    The product has no complaints handling yet; this is the staff-side record the
    promotion gate reads: an upheld complaint in the cycle blocks an application.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="upheld_complaints",
        verbose_name=_("staff member"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    upheld_on = models.DateField(_("upheld on"))
    summary = models.TextField(_("what the complaint was"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = UpheldComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("upheld complaint")
        verbose_name_plural = _("upheld complaints")
        ordering = ["-upheld_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} {self.upheld_on}"


class PromotionCycle(models.Model):
    """A round of promotions HR opens: the period judged, the steps open, the deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120, unique=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    steps = models.JSONField(_("steps open (from position)"), default=list)
    deadline = models.DateField(_("applications until"))
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    quorum = models.PositiveSmallIntegerField(
        _("committee quorum (votes)"), default=3, validators=[MinValueValidator(1)]
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="promotion_committees", verbose_name=_("committee")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Closed by HR before its deadline (staff.promotion.setup.cycle_close): who, when, why.
    # Applications already submitted carry on through the chain (docs/decisions.md).
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion cycle")
        verbose_name_plural = _("promotion cycles")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="cycle_period_ordered"
            ),
            # A closed cycle says who closed it, when and why; an open one has none of it.
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True, closed_by__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(close_reason="")),
                name="cycle_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PromotionApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from ..promotion.selectors import applications_visible_to

        return applications_visible_to(self, user=user)


class PromotionApplication(models.Model):
    """One person's application for one step up, and where it stands in the chain."""

    class Status(models.TextChoices):
        DEPARTMENT_REVIEW = "department_review", _("Department review")
        MORE_EVIDENCE = "more_evidence", _("Sent back for more evidence")
        HR_REVIEW = "hr_review", _("HR review")
        COMMITTEE = "committee", _("Review committee")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        APPOINTED = "appointed", _("Appointed")
        REJECTED = "rejected", _("Not promoted")

    cycle = models.ForeignKey(
        PromotionCycle,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("cycle"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="promotion_applications",
        verbose_name=_("applicant"),
    )
    # Where the applicant worked at submission: who reviews and who may see it.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    # The head of that department; empty: any department head of the branch.
    department_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department reviewer"),
    )
    from_position = models.CharField(_("from"), max_length=32, choices=Position.choices)
    to_position = models.CharField(_("to"), max_length=32, choices=Position.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DEPARTMENT_REVIEW
    )
    personal_details = models.JSONField(_("personal details"), default=dict)
    figures = models.JSONField(_("figures at submission"), default=dict)
    compliance = models.JSONField(_("compliance record at submission"), default=dict)
    capability_statement = models.TextField(_("capability statement"))
    attitude_statement = models.TextField(_("attitude statement"))
    submitted_at = models.DateTimeField(_("submitted at"))
    committee_round = models.PositiveSmallIntegerField(_("committee round"), default=0)
    notice_starts_at = models.DateTimeField(_("notice from"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("notice until"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    appointed_at = models.DateTimeField(_("appointed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PromotionApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion application")
        verbose_name_plural = _("promotion applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "applicant"], name="one_application_per_cycle"
            ),
            models.CheckConstraint(
                condition=~Q(status="public_notice")
                | Q(notice_ends_at__isnull=False, effective_on__isnull=False),
                name="notice_has_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "notice_ends_at"], name="promo_status_notice_idx")
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.get_to_position_display()} ({self.cycle})"


class ApplicationPartQuerySet(models.QuerySet):
    """Rows of an application (stages, evidence, votes): seen by whoever sees the application."""

    def visible_to(self, user):
        return self.filter(application__in=PromotionApplication.objects.visible_to(user))


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever sees the application, and the person who filed the appeal."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            models.Q(application__in=PromotionApplication.objects.visible_to(user))
            | models.Q(filed_by=user)
        )


class PromotionStageRecord(models.Model):
    """Who did what to an application, when: every step of the chain leaves one."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SENT_BACK = "sent_back", _("Sent back for more evidence")
        RESUBMITTED = "resubmitted", _("Resubmitted with evidence")
        DEPARTMENT_APPROVED = "department_approved", _("Department: supports")
        DEPARTMENT_REFUSED = "department_refused", _("Department: does not support")
        HR_RECOMMENDED = "hr_recommended", _("HR: recommends")
        HR_REFUSED = "hr_refused", _("HR: does not recommend")
        VOTED = "voted", _("Committee vote")
        COMMITTEE_APPROVED = "committee_approved", _("Committee: promote")
        COMMITTEE_REFUSED = "committee_refused", _("Committee: do not promote")
        APPEAL_FILED = "appeal_filed", _("Appeal filed")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld: back to the committee")
        APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed")
        APPOINTED = "appointed", _("Appointed")

    application = models.ForeignKey(
        PromotionApplication,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("application"),
    )
    action = models.CharField(_("what"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("opinion / comment"), blank=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage record")
        verbose_name_plural = _("stage records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class PromotionEvidence(models.Model):
    """A file the applicant attached (certificates, commendations, case write-ups)."""

    application = models.ForeignKey(
        PromotionApplication,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("application"),
    )
    file = models.FileField(_("file"), upload_to="promotion/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=80)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CommitteeVote(models.Model):
    """A committee member's vote on an application in one committee round."""

    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    application = models.ForeignKey(
        PromotionApplication,
        on_delete=models.CASCADE,
        related_name="votes",
        verbose_name=_("application"),
    )
    round = models.PositiveSmallIntegerField(_("round"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    comment = models.TextField(_("comment"), blank=True)
    voted_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        ordering = ["voted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "member"], name="one_vote_per_member_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.choice}"


class PromotionAppeal(models.Model):
    """An objection to a result on public notice, filed with HR during the notice."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    application = models.ForeignKey(
        PromotionApplication,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("application"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    history = HistoricalRecords()

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"appeal {self.pk} on {self.application_id}"
