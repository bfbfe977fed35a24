"""Every write of the assessment engine: templates and weights, rounds, the computation,
reviewers' scores and the finalisation (totals, ranks, outcomes).

Scoring rules (docs/decisions.md, issues 11/12):
- a computed item scores min(value ÷ target, 1) × 100 ("target") or
  max(0, 100 − value × points per unit) ("penalty": complaints, violations);
- a scored item scores score ÷ the template's highest score × 100;
- the total is the weighted mean of the items that have a score, each item weighing
  section weight × item weight within the section; an item whose figure is not yet
  available is left out (named on the assessment), never counted as zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from collections_office.run_locks import run_lock
from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    AssessmentSection,
    AssessmentTemplate,
    StaffProfile,
)

from .access import may_administer, may_score
from .defaults import DEFAULTS
from .finalise import round_finalise  # noqa: F401 - finalising is a service too
from .indicators import (
    COLLECTOR_POSITIONS,
    MANAGER_POSITIONS,
    REGISTRY,
    IndicatorContext,
    compute_indicators,
)
from .recovery import RUN_LOCK_NAME, RUN_LOCK_NAMESPACE

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
CHUNK = 500  # people computed per step (the progress moves once per step)


def _check_admin(actor) -> None:
    if not may_administer(actor):
        raise ValidationError(_("Only HR at headquarters manages assessment templates and runs."))


# --- Templates and weights -----------------------------------------------------------------


@transaction.atomic
def template_create(*, kind: str, year: int, actor) -> AssessmentTemplate:
    """The year's template: a copy of the latest earlier year's, else the defaults."""
    _check_admin(actor)
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose a kind of assessment.")})
    if AssessmentTemplate.objects.filter(kind=kind, year=year).exists():
        raise ValidationError({"year": _("This year already has a template of this kind.")})
    template = AssessmentTemplate(
        kind=kind, year=year, name=f"{AssessmentKind(kind).label} {year}", created_by=actor
    )
    template.full_clean()
    previous = (
        AssessmentTemplate.objects.filter(kind=kind, year__lt=year)
        .order_by("-year")
        .prefetch_related("sections__items")
        .first()
    )
    if previous is not None:
        for field in ("scale_max", "reward_top_count", "training_bottom_count"):
            setattr(template, field, getattr(previous, field))
        template.promotion_threshold = previous.promotion_threshold
    template.save()
    if previous is not None:
        layout = [
            (
                section.name,
                section.weight,
                [(i.name, i.indicator, i.weight, i.scoring, i.target) for i in section.items.all()],
            )
            for section in previous.sections.all()
        ]
    else:
        layout = [
            (
                name,
                Decimal(weight),
                [
                    (
                        item_name,
                        key,
                        Decimal(item_weight),
                        REGISTRY[key].default_scoring if key else AssessmentItem.Scoring.TARGET,
                        REGISTRY[key].default_target if key else None,
                    )
                    for item_name, key, item_weight in items
                ],
            )
            for name, weight, items in DEFAULTS[kind]
        ]
    for position, (name, weight, items) in enumerate(layout):
        section = AssessmentSection.objects.create(
            template=template, name=name, weight=weight, position=position
        )
        for item_position, (item_name, key, item_weight, scoring, target) in enumerate(items):
            AssessmentItem.objects.create(
                section=section,
                name=item_name,
                indicator=key,
                weight=item_weight,
                scoring=scoring,
                target=target,
                position=item_position,
            )
    return template


def weights_problems(sections: list[tuple[str, Decimal, list[Decimal]]]) -> list[str]:
    """What is wrong with a template's weights: [(section name, weight, [item weights])]."""
    problems = []
    total = sum((weight for _name, weight, _items in sections), Decimal("0"))
    if total != HUNDRED:
        problems.append(
            _("The section weights add up to %(total)s%%; they must add up to 100%%.")
            % {"total": format(total.normalize(), "f")}
        )
    for name, _weight, items in sections:
        items_total = sum(items, Decimal("0"))
        if items and items_total != HUNDRED:
            problems.append(
                _(
                    "The item weights of “%(section)s” add up to %(total)s%%; "
                    "they must add up to 100%%."
                )
                % {"section": _(name), "total": format(items_total.normalize(), "f")}
            )
    return problems


def template_layout(template: AssessmentTemplate) -> list[tuple[str, Decimal, list[Decimal]]]:
    return [
        (section.name, section.weight, [item.weight for item in section.items.all()])
        for section in template.sections.prefetch_related("items")
    ]


@transaction.atomic
def template_update(
    *,
    template: AssessmentTemplate,
    actor,
    section_weights: dict[int, Decimal],
    item_weights: dict[int, Decimal],
    item_targets: dict[int, Decimal] | None = None,
    settings: dict | None = None,
) -> AssessmentTemplate:
    """HR's edit of a year's weights (and targets, scale, N/M, threshold). Refused — and
    nothing written — when the weights do not add up to 100% or a round of the template
    is already finalised (its results would no longer match their template)."""
    _check_admin(actor)
    template = AssessmentTemplate.objects.select_for_update().get(pk=template.pk)
    if template.rounds.filter(finalised_at__isnull=False).exists():
        raise ValidationError(
            _("A round of this template is finalised: its weights can no longer change.")
        )
    sections = list(template.sections.prefetch_related("items"))
    layout = []
    for section in sections:
        section.weight = section_weights.get(section.pk, section.weight)
        items = list(section.items.all())
        for item in items:
            item.weight = item_weights.get(item.pk, item.weight)
            if item_targets and item.pk in item_targets and item.is_computed:
                item.target = item_targets[item.pk]
        section._items = items
        layout.append((section.name, section.weight, [i.weight for i in items]))
    problems = weights_problems(layout)
    if problems:
        raise ValidationError({"weight": problems})
    for field, value in (settings or {}).items():
        setattr(template, field, value)
    template.full_clean()
    template.save()
    for section in sections:
        section.full_clean()
        section.save()
        for item in section._items:
            item.full_clean()
            item.save()
    return template


# --- Rounds ---------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *, template: AssessmentTemplate, period_start: dt.date, period_end: dt.date, label: str, actor
) -> AssessmentRound:
    _check_admin(actor)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_start.year != template.year:
        raise ValidationError(
            {
                "period_start": _("The period must start in the template's year (%(year)s).")
                % {"year": template.year}
            }
        )
    if AssessmentRound.objects.filter(
        template=template, period_start=period_start, period_end=period_end
    ).exists():
        raise ValidationError({"period_start": _("This period already has a round.")})
    round_ = AssessmentRound(
        template=template,
        period_start=period_start,
        period_end=period_end,
        label=label,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    return round_


@transaction.atomic
def round_run_request(*, round: AssessmentRound, actor) -> AssessmentRound:
    """Queues the computation of a round (a Celery task: 2,000 people take a while)."""
    from .tasks import assessment_round_compute_task

    _check_admin(actor)
    round_ = AssessmentRound.objects.select_for_update().get(pk=round.pk)
    if round_.finalised_at:
        raise ValidationError(_("This round is finalised: it is not computed again."))
    if round_.run_status in (AssessmentRound.RunStatus.QUEUED, AssessmentRound.RunStatus.RUNNING):
        raise ValidationError(_("This round is already being computed."))
    problems = weights_problems(template_layout(round_.template))
    if problems:
        raise ValidationError({"weight": problems})
    round_.run_status = AssessmentRound.RunStatus.QUEUED
    round_.run_queued_at = timezone.now()
    round_.run_error = ""
    round_.subjects_done = 0
    round_.save()
    transaction.on_commit(lambda: assessment_round_compute_task.delay(round_.pk))
    return round_


def round_subjects(round_: AssessmentRound) -> list[tuple[int, int]]:
    """[(user id, branch id)] of the people the round assesses: active staff at the
    positions of its kind, hired by the end of the period."""
    positions = (
        COLLECTOR_POSITIONS
        if round_.template.kind == AssessmentKind.ANNUAL_COLLECTOR
        else MANAGER_POSITIONS
    )
    return list(
        StaffProfile.objects.filter(
            position__in=positions,
            status=StaffProfile.Status.ACTIVE,
            hire_date__lte=round_.period_end,
        )
        .order_by("user_id")
        .values_list("user_id", "branch_id")
    )


def round_compute(*, round_id: int) -> AssessmentRound:
    """Computes every computed item of a round, a chunk of people at a time (the progress
    moves per chunk), under the round's run lock (it dies with the process: the recovery
    sweeper, staff.assessment.recovery, re-queues a round whose worker died). Claimed with
    a conditional update (queued, or running with nobody holding its lock → running): a
    second delivery of the task does nothing. Re-running replaces the computed values and
    keeps the reviewers' scores."""
    with run_lock(RUN_LOCK_NAME, RUN_LOCK_NAMESPACE, round_id) as held:
        if not held:  # another live process computes it
            return AssessmentRound.objects.select_related("template").get(pk=round_id)
        return _claimed_compute(round_id)


def _claimed_compute(round_id: int) -> AssessmentRound:
    claimed = AssessmentRound.objects.filter(
        pk=round_id,
        run_status__in=[AssessmentRound.RunStatus.QUEUED, AssessmentRound.RunStatus.RUNNING],
    ).update(run_status=AssessmentRound.RunStatus.RUNNING, run_started_at=timezone.now())
    round_ = AssessmentRound.objects.select_related("template").get(pk=round_id)
    if not claimed:
        return round_
    try:
        _compute(round_)
    except (OperationalError, InterfaceError):
        # The task retries these: leave the round claimable again (chunks already
        # written are simply written again).
        AssessmentRound.objects.filter(pk=round_id).update(
            run_status=AssessmentRound.RunStatus.QUEUED
        )
        raise
    except Exception as error:
        AssessmentRound.objects.filter(pk=round_id).update(
            run_status=AssessmentRound.RunStatus.FAILED, run_error=str(error)[:2000]
        )
        raise
    round_.refresh_from_db()
    return round_


def _compute(round_: AssessmentRound) -> None:
    items = list(
        AssessmentItem.objects.filter(section__template=round_.template).select_related("section")
    )
    computed = [item for item in items if item.is_computed]
    subjects = round_subjects(round_)
    AssessmentRound.objects.filter(pk=round_.pk).update(subjects_total=len(subjects))
    for start in range(0, len(subjects), CHUNK):
        chunk = subjects[start : start + CHUNK]
        with transaction.atomic():
            assessment_ids = _assessments_for(round_, chunk)
            context = IndicatorContext(
                user_ids=[user_id for user_id, _branch in chunk],
                start=round_.period_start,
                end=round_.period_end,
            )
            values = compute_indicators((item.indicator for item in computed), context)
            rows = [
                AssessmentResult(
                    assessment_id=assessment_ids[user_id],
                    item=item,
                    value=values[item.indicator].get(user_id),
                    normalised=computed_score(item, values[item.indicator].get(user_id)),
                )
                for user_id, _branch in chunk
                for item in computed
            ]
            AssessmentResult.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["assessment", "item"],
                update_fields=["value", "normalised"],
            )
            now = timezone.now()
            Assessment.objects.filter(pk__in=assessment_ids.values()).update(computed_at=now)
            Assessment.objects.filter(
                pk__in=assessment_ids.values(), status=Assessment.Status.DRAFT
            ).update(status=Assessment.Status.SCORING)
            AssessmentRound.objects.filter(pk=round_.pk).update(subjects_done=start + len(chunk))
    AssessmentRound.objects.filter(pk=round_.pk).update(
        run_status=AssessmentRound.RunStatus.DONE, run_finished_at=timezone.now()
    )


def _assessments_for(round_, chunk) -> dict[int, int]:
    """{user id: assessment id} for the chunk, creating the missing assessments in bulk.
    Scored items get their result row when a reviewer scores them (none is written
    empty: 2,000 people × 8 scored items would be 16,000 rows for nothing)."""
    existing = dict(
        Assessment.objects.filter(
            round=round_, subject_id__in=[user_id for user_id, _b in chunk]
        ).values_list("subject_id", "pk")
    )
    new = [
        Assessment(round=round_, subject_id=user_id, branch_id=branch_id)
        for user_id, branch_id in chunk
        if user_id not in existing
    ]
    if new:
        created = bulk_create_with_history(new, Assessment, batch_size=500)
        if any(a.pk is None for a in created):  # not every backend returns ids
            created = Assessment.objects.filter(
                round=round_, subject_id__in=[a.subject_id for a in new]
            )
        existing.update({a.subject_id: a.pk for a in created})
    return existing


def computed_score(item: AssessmentItem, value) -> Decimal | None:
    """A computed value on 0–100 (None stays None: not yet available)."""
    if value is None:
        return None
    value = Decimal(value)
    target = item.target or HUNDRED
    if item.scoring == AssessmentItem.Scoring.PENALTY:
        score = HUNDRED - value * target
    else:
        score = value / target * HUNDRED
    return min(max(score, Decimal("0")), HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Reviewers' scores ------------------------------------------------------------------------


@transaction.atomic
def assessment_score(
    *, assessment: Assessment, item: AssessmentItem, score, comment: str = "", actor
) -> AssessmentResult:
    """A reviewer's score for one scored item, on the template's scale (1 … highest)."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("round__template")
        .get(pk=assessment.pk)
    )
    template = assessment.round.template
    if assessment.subject_id == actor.pk:
        raise ValidationError(_("Nobody scores their own assessment."))
    if not may_score(actor, assessment):
        raise ValidationError(_("You may not score this assessment."))
    if assessment.status != Assessment.Status.SCORING:
        raise ValidationError(
            _("This assessment is %(status)s: it takes no scores.")
            % {"status": assessment.get_status_display()}
        )
    if item.section.template_id != template.pk or item.is_computed:
        raise ValidationError({"item": _("This item is not scored by reviewers.")})
    try:
        score = Decimal(str(score))
    except ArithmeticError:
        raise ValidationError({"score": _("Enter a number.")}) from None
    if not Decimal("1") <= score <= template.scale_max:
        raise ValidationError(
            {"score": _("Scores run from 1 to %(max)s.") % {"max": template.scale_max}}
        )
    result, _created = AssessmentResult.objects.select_for_update().get_or_create(
        assessment=assessment, item=item
    )
    result.score = score
    result.normalised = (score / template.scale_max * HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    result.comment = comment
    result.scored_by = actor
    result.scored_at = timezone.now()
    result.full_clean()
    result.save()
    return result
