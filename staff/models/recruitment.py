"""Recruitment (director rules 招聘與選拔): vacancies, candidates through screening,
three interviews, a background check and the offer decision, to a new staff profile.

A candidate's contact details and ID number are personal data: encrypted at rest,
masked in lists, purged on the retention rule once the candidate is rejected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField, KeyedHashField

from .organisation import Branch, Department, Position, StaffProfile


class RecruitmentPolicy(models.Model):
    """The company's recruitment rules as data: interview scale, probation, retention."""

    interview_score_max = models.PositiveSmallIntegerField(
        _("highest interview score"),
        default=10,
        help_text=_("Interview scores run from 0 to this number."),
    )
    probation_days = models.PositiveSmallIntegerField(
        _("probation (days)"),
        default=90,
        help_text=_(
            "A referred hire who is still employed this long after the hire date "
            "earns the referrer the referral bonus."
        ),
    )
    rejected_retention_days = models.PositiveSmallIntegerField(
        _("keep rejected candidates' data (days)"),
        default=180,
        help_text=_("After this many days a rejected candidate's personal data and CV are erased."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment policy")
        verbose_name_plural = _("recruitment policy")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="one_recruitment_policy"),
            models.CheckConstraint(
                condition=models.Q(interview_score_max__gte=1), name="interview_scale_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Recruitment policy"))

    @classmethod
    def current(cls) -> RecruitmentPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class VacancyQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.recruitment.access import vacancy_visibility

        rule = vacancy_visibility(user)
        return self if rule is None else self.filter(rule)


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.recruitment.access import candidate_visibility

        rule = candidate_visibility(user)
        return self if rule is None else self.filter(rule)


class InterviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.recruitment.access import candidate_visibility

        rule = candidate_visibility(user, prefix="candidate__")
        return self if rule is None else self.filter(rule)


class Vacancy(models.Model):
    """An open post a branch wants filled: role, level and how many people."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("branch")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(_("role"), max_length=32)
    level = models.CharField(
        _("level"), max_length=32, choices=Position.choices, default=Position.JUNIOR_COLLECTOR
    )
    headcount = models.PositiveSmallIntegerField(_("number of people"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    objects = VacancyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1), name="vacancy_headcount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.branch.code})"

    @property
    def role_label(self) -> str:
        from staff.roles import ROLE_LABELS

        return str(ROLE_LABELS.get(self.role, self.role))


class Candidate(models.Model):
    """A person who applied for a vacancy, and how far they got."""

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Internal referral")
        JOB_SITE = "job_site", _("Job site")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SCREENED = "screened", _("Passed screening")
        INTERVIEWING = "interviewing", _("Interviewing")
        BACKGROUND_CHECK = "background_check", _("Background check")
        OFFER = "offer", _("Offer decision")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Check(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("vacancy")
    )
    # Kept on the row so the branch rule needs no join (and survives a vacancy move).
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=120)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = KeyedHashField(source="phone")
    email = EncryptedTextField(_("e-mail"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_candidates",
        verbose_name=_("referred by"),
    )
    # Encrypted on disk (personal_data.encrypt_bytes); served only through the page
    # that records who opened it.
    cv = models.FileField(_("CV"), upload_to="recruitment/cv/%Y/%m/", blank=True)
    cv_original_name = models.CharField(_("CV file name"), max_length=255, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLIED
    )
    screening_notes = models.TextField(_("screening notes"), blank=True)
    background_check = models.CharField(
        _("background check"),
        max_length=12,
        choices=Check.choices,
        default=Check.NOT_STARTED,
    )
    background_check_notes = models.TextField(_("background check notes"), blank=True)
    decision_notes = models.TextField(_("decision notes"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    hired_profile = models.OneToOneField(
        StaffProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hired_from",
        verbose_name=_("staff profile"),
    )
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    referral_bonus_due_on = models.DateField(
        _("referral bonus due since"),
        null=True,
        blank=True,
        help_text=_("Set when a referred hire passes probation still employed."),
    )
    purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="hired") | models.Q(background_check="passed"),
                name="hired_only_after_background_check",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="hired") | models.Q(hired_profile__isnull=False),
                name="hired_candidate_has_profile",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="referral") | models.Q(referred_by__isnull=False),
                name="referral_names_referrer",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage not in (self.Stage.HIRED, self.Stage.REJECTED, self.Stage.WITHDRAWN)


class Interview(models.Model):
    """One of the three interviews (HR, department head, leadership): a score and notes."""

    class Kind(models.TextChoices):
        HR = "hr", _("HR interview")
        DEPARTMENT_HEAD = "department_head", _("Department head interview")
        LEADERSHIP = "leadership", _("Leadership interview")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("candidate")
    )
    kind = models.CharField(_("interview"), max_length=20, choices=Kind.choices)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews_given",
        verbose_name=_("interviewer"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    objects = InterviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["candidate", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="one_interview_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.candidate.name} · {self.get_kind_display()}"
