"""Assessments (DESIGN §5; issues 11 and 12): one engine for the collectors' annual
assessment and the managers' monthly / quarterly / annual assessments.

A template (per kind and year) holds weighted sections of weighted items; an item is
either *computed* (named by the key of a computed indicator, staff/assessment/indicators.py)
or *scored* by a reviewer on the template's scale. A round is one period assessed on a
template (the year 2025; the second quarter of 2026); it holds one assessment per person,
and each assessment one result per item.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class AssessmentKind(models.TextChoices):
    ANNUAL_COLLECTOR = "annual_collector", _("Annual assessment of collectors")
    MANAGER_MONTHLY = "manager_monthly", _("Manager assessment (monthly)")
    MANAGER_QUARTERLY = "manager_quarterly", _("Manager assessment (quarterly)")
    MANAGER_ANNUAL = "manager_annual", _("Manager assessment (annual)")


MANAGER_KINDS = (
    AssessmentKind.MANAGER_MONTHLY,
    AssessmentKind.MANAGER_QUARTERLY,
    AssessmentKind.MANAGER_ANNUAL,
)


class AssessmentTemplate(models.Model):
    """What is assessed for one kind of assessment in one year, and how it is weighted."""

    kind = models.CharField(_("kind"), max_length=24, choices=AssessmentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=160)
    # Reviewers score on 1..scale_max; a score counts as score / scale_max of 100.
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    reward_top_count = models.PositiveIntegerField(_("reward: top N of the company"), default=10)
    training_bottom_count = models.PositiveIntegerField(
        _("training plan: bottom M of the company"), default=10
    )
    promotion_threshold = models.DecimalField(
        _("promotion eligible from total"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT_VALIDATORS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="assessment_template_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def is_manager_kind(self) -> bool:
        return self.kind in MANAGER_KINDS


class AssessmentSection(models.Model):
    """A group of items with its share of the total (performance 60%, capability 25% …)."""

    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("template"),
    )
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment section")
        verbose_name_plural = _("assessment sections")
        ordering = ["template", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100),
                name="assessment_section_weight_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class AssessmentItem(models.Model):
    """One thing assessed: computed from the data (an indicator key) or scored by a reviewer."""

    class Scoring(models.TextChoices):
        TARGET = "target", _("Value ÷ target (capped at 100%)")
        PENALTY = "penalty", _("100 minus points per unit (complaints, violations)")

    section = models.ForeignKey(
        AssessmentSection,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("section"),
    )
    name = models.CharField(_("name"), max_length=120)
    # Blank: scored by a reviewer; otherwise the key of a computed indicator.
    indicator = models.CharField(_("computed indicator"), max_length=40, blank=True)
    weight = models.DecimalField(
        _("weight within the section (%)"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
    )
    scoring = models.CharField(
        _("how the value scores"),
        max_length=10,
        choices=Scoring.choices,
        default=Scoring.TARGET,
    )
    # TARGET: the value that scores 100; PENALTY: points taken off per unit.
    target = models.DecimalField(
        _("target / points per unit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100),
                name="assessment_item_weight_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(indicator="") | models.Q(target__gt=0),
                name="assessment_computed_item_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.indicator)


class AssessmentRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rounds are company-wide (one ranking); who sees which person's row inside is
        Assessment.visible_to. Anyone who reviews or assesses sees the rounds."""
        from staff.assessment.access import may_review

        if may_review(user):
            return self
        return self.none()


class AssessmentRound(models.Model):
    """One period assessed on a template (the year 2025, the second quarter of 2026)."""

    class RunStatus(models.TextChoices):
        IDLE = "idle", _("Not computed yet")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Computed")
        FAILED = "failed", _("Failed")

    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("template"),
    )
    label = models.CharField(_("period"), max_length=40)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    run_status = models.CharField(
        _("computation"), max_length=10, choices=RunStatus.choices, default=RunStatus.IDLE
    )
    subjects_total = models.PositiveIntegerField(_("people"), default=0)
    subjects_done = models.PositiveIntegerField(_("people computed"), default=0)
    # When the computation was last asked for: a round queued long ago that no worker
    # started is queued again by the recovery sweeper (staff.assessment.recovery).
    run_queued_at = models.DateTimeField(_("computation queued"), null=True, blank=True)
    run_started_at = models.DateTimeField(_("computation started"), null=True, blank=True)
    run_finished_at = models.DateTimeField(_("computation finished"), null=True, blank=True)
    run_error = models.TextField(_("computation error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    objects = AssessmentRoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-period_start", "template__kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "period_start", "period_end"],
                name="assessment_round_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="assessment_round_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(subjects_done__lte=models.F("subjects_total")),
                name="assessment_round_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.get_kind_display()} {self.label}"

    @property
    def progress(self) -> int:
        if not self.subjects_total:
            return 100 if self.run_status == self.RunStatus.DONE else 0
        return int(100 * self.subjects_done / self.subjects_total)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.assessment.access import assessments_visible_to

        return assessments_visible_to(self, user)


class Assessment(models.Model):
    """One person's assessment in a round: their item results, total, rank and outcomes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCORING = "scoring", _("Being scored")
        FINALISED = "finalised", _("Finalised")

    # The state machine: what each status may move to (services refuse the rest).
    TRANSITIONS = {
        Status.DRAFT: (Status.SCORING,),
        Status.SCORING: (Status.FINALISED,),
        Status.FINALISED: (),
    }

    round = models.ForeignKey(
        AssessmentRound,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("round"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("person assessed"),
    )
    # The person's branch when the round was computed (the ranking within the branch and
    # who may see the row follow it, even if the person moves later).
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank_in_branch = models.PositiveIntegerField(_("rank in branch"), null=True, blank=True)
    rank_in_company = models.PositiveIntegerField(_("rank in company"), null=True, blank=True)
    promotion_eligible = models.BooleanField(_("promotion eligible"), default=False)
    reward = models.BooleanField(_("reward"), default=False)
    training_plan = models.BooleanField(_("training plan"), default=False)
    # Items left out of the total because their figure is not yet available.
    left_out = models.CharField(_("not yet available"), max_length=500, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "rank_in_company", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "subject"], name="assessment_once_per_round")
        ]
        indexes = [models.Index(fields=["subject", "round"], name="assessment_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.round}"


class AssessmentResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The results of the assessments the user sees."""
        return self.filter(assessment__in=Assessment.objects.visible_to(user).values("pk"))


class AssessmentResult(models.Model):
    """One item of one assessment: the computed value and its score, or a reviewer's score."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    # Computed items: the indicator's value; empty = not yet available (never zero).
    value = models.DecimalField(
        _("computed value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    # Scored items: the reviewer's score on the template's scale.
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    # Either kind, on 0–100: what the total is made of.
    normalised = models.DecimalField(
        _("score out of 100"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    objects = AssessmentResultQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["assessment", "item__section__position", "item__position", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessment_result_once"),
            models.CheckConstraint(
                condition=models.Q(normalised__isnull=True)
                | models.Q(normalised__gte=0, normalised__lte=100),
                name="assessment_result_normalised_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.item}"
