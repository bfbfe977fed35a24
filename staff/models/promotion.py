"""Promotion reviews (DESIGN §5): cycles, applications, and the chain they go through.

The chain: a cycle HR opens → an application (figures frozen at submission) → department
review → HR review → committee votes and decision → public notice (N working days) with
appeals → appointment on the effective date (a scheduled task), recorded in LevelChange.
What a step requires (criteria, targets, complaints) and the ladder's history are in `ladder`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch, Department, Position


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
