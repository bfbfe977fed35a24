"""Training (staffing plan 二): needs → plan → approval → sessions with attendance →
evaluation → each person's training record. New hires get the branch's onboarding plan."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch, StaffProfile


class _ProfileScopedQuerySet(models.QuerySet):
    """Rows about one person: themselves, their manager (team) and HR of their branch."""

    profile_field = "profile"

    def visible_to(self, user):
        from staff.training.access import profile_visibility

        rule = profile_visibility(user, prefix=f"{self.profile_field}__")
        return self if rule is None else self.filter(rule)


class TrainingNeedQuerySet(_ProfileScopedQuerySet):
    pass


class TrainingEnrolmentQuerySet(_ProfileScopedQuerySet):
    pass


class SessionAttendanceQuerySet(_ProfileScopedQuerySet):
    profile_field = "enrolment__profile"


class TrainingPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.training.access import plan_visibility

        rule = plan_visibility(user)
        return self if rule is None else self.filter(rule)


class TrainingSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.training.access import plan_visibility

        rule = plan_visibility(user, prefix="plan__")
        return self if rule is None else self.filter(rule)


class TrainingNeed(models.Model):
    """A gap someone saw in a person's skills, waiting to be met by a training plan."""

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment (bottom outcome)")
        MANAGER_REQUEST = "manager_request", _("Manager's request")
        SURVEY = "survey", _("Survey")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PLANNED = "planned", _("In a plan")
        CLOSED = "closed", _("Closed")

    profile = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="training_needs",
        verbose_name=_("person"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    plan = models.ForeignKey(
        "TrainingPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("training plan"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    objects = TrainingNeedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.profile.display_name}: {self.topic}"


class TrainingPlan(models.Model):
    """A course for a group of staff: goal, content, method, trainer, dates and budget."""

    class Method(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        ONLINE = "online", _("Online learning")
        WORKSHOP = "workshop", _("Workshop")
        SIMULATION = "simulation", _("Role play / simulation")
        COACHING = "coaching", _("One-to-one coaching")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="training_plans", verbose_name=_("branch")
    )
    title = models.CharField(_("title"), max_length=200)
    is_onboarding = models.BooleanField(
        _("new-hire onboarding"),
        default=False,
        help_text=_("The branch's standard plan every new member of staff is enrolled in."),
    )
    goal = models.TextField(_("goal"))
    content = models.TextField(_("content"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    trainer = models.CharField(_("trainer"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = models.DecimalField(_("budget (CNY)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    objects = TrainingPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="training_plan_budget_not_negative"
            ),
            models.UniqueConstraint(
                fields=["branch"],
                condition=models.Q(is_onboarding=True),
                name="one_onboarding_plan_per_branch",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def takes_attendance(self) -> bool:
        return self.status == self.Status.APPROVED


class TrainingEnrolment(models.Model):
    """One person on one plan: their training record, with the evaluation once done."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("training plan"),
    )
    profile = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED
    )
    test_score = models.PositiveSmallIntegerField(
        _("test score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 to 100."),
    )
    work_change_rating = models.PositiveSmallIntegerField(
        _("supervisor's rating of the change in work"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (no change) to 5 (a marked improvement)."),
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    objects = TrainingEnrolmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "profile"], name="enrolled_once_per_plan"),
            models.CheckConstraint(
                condition=models.Q(test_score__isnull=True) | models.Q(test_score__lte=100),
                name="training_test_score_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(work_change_rating__isnull=True)
                | models.Q(work_change_rating__gte=1, work_change_rating__lte=5),
                name="training_work_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_on__isnull=False),
                name="training_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile.display_name} · {self.plan.title}"


class TrainingSession(models.Model):
    """One sitting of a plan (a class, a workshop), with its sign-in sheet."""

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("training plan"),
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(24)],
    )
    objects = TrainingSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="training_session_hours"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.title} · {self.held_on:%Y-%m-%d}"


class SessionAttendance(models.Model):
    """Whether one enrolled person signed in at one session (培訓簽到)."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    enrolment = models.ForeignKey(
        TrainingEnrolment,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("training record"),
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    objects = SessionAttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.profile.display_name} @ {self.session}"
