"""Finalising a round: every assessment's total, ranks (branch and company) and
outcomes in one pass over its results, written set-based; the bottom M become training
needs. See services.py for the scoring rules."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    StaffProfile,
)

from .access import may_administer

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def _check_admin(actor) -> None:
    if not may_administer(actor):
        raise ValidationError(_("Only HR at headquarters manages assessment templates and runs."))


# --- Finalisation: totals, ranks, outcomes --------------------------------------------------


OUTCOME_FIELDS = (
    ("total", "numeric"),
    ("left_out", "varchar"),
    ("rank_in_company", "integer"),
    ("rank_in_branch", "integer"),
    ("promotion_eligible", "boolean"),
    ("reward", "boolean"),
    ("training_plan", "boolean"),
)


def _write_outcomes(assessments: list[Assessment], *, round_, now, actor) -> None:
    """Writes every assessment's total, ranks and outcomes, then their history rows.

    On PostgreSQL one `UPDATE … FROM (VALUES …)` per 1,000 people: Django's bulk_update
    builds a CASE of 500 branches per field and took ~10 s for 2,000 people (profiled on
    the bench data); elsewhere (the embedded SQLite default) bulk_update is used."""
    names = [name for name, _type in OUTCOME_FIELDS]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Assessment._meta.db_table)
        row = "(%s::bigint, " + ", ".join(f"%s::{kind}" for _n, kind in OUTCOME_FIELDS) + ")"
        sets = ", ".join(f"{name} = v.{name}" for name in names)
        with connection.cursor() as cursor:
            for first in range(0, len(assessments), 1000):
                batch = assessments[first : first + 1000]
                params = [
                    value for a in batch for value in (a.pk, *(getattr(a, name) for name in names))
                ]
                # Names are this module's constants; every value is a parameter.
                sql = (
                    f"UPDATE {table} AS t SET {sets} FROM (VALUES "  # noqa: S608
                    + ", ".join([row] * len(batch))
                    + f") AS v(id, {', '.join(names)}) WHERE t.id = v.id"
                )
                cursor.execute(sql, params)
    else:
        Assessment.objects.bulk_update(assessments, names, batch_size=500)
    Assessment.objects.filter(round=round_).update(
        status=Assessment.Status.FINALISED, finalised_at=now, finalised_by=actor
    )
    Assessment.history.bulk_history_create(
        assessments, update=True, default_user=actor, default_change_reason="finalised"
    )


def _training_needs(bottom: list[Assessment], *, round_, actor) -> None:
    """The bottom M's training plan outcome becomes an open training need of each (source
    "assessment"), for HR to put into a plan (issue 12's training; read by model name)."""
    try:
        need_model = apps.get_model("staff", "TrainingNeed")
    except LookupError:
        return
    profiles = dict(
        StaffProfile.objects.filter(user_id__in=[a.subject_id for a in bottom]).values_list(
            "user_id", "pk"
        )
    )
    topic = _("Annual assessment %(period)s: training plan (bottom of the ranking)") % {
        "period": round_.label
    }
    need_model.objects.bulk_create(
        [
            need_model(
                profile_id=profiles[a.subject_id],
                source="assessment",
                topic=topic[:200],
                notes=_("Total %(total)s, rank %(rank)s in the company.")
                % {"total": a.total, "rank": a.rank_in_company},
                raised_by=actor,
            )
            for a in bottom
            if a.subject_id in profiles
        ]
    )


def weighted_total(parts: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """[(effective weight, score out of 100 or None)] → the weighted mean of the scored parts."""
    weighed = [(w, s) for w, s in parts if s is not None and w > 0]
    weight = sum((w for w, _s in weighed), Decimal("0"))
    if not weight:
        return None
    total = sum((w * s for w, s in weighed), Decimal("0")) / weight
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def competition_ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    """{key: rank}, highest first; ties share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first_index = {}
    for index, total in enumerate(ordered):
        first_index.setdefault(total, index + 1)
    return {key: first_index[total] for key, total in totals.items()}


@transaction.atomic
def round_finalise(*, round: AssessmentRound, actor) -> AssessmentRound:
    """Totals, ranks (branch and company) and outcomes of every assessment of a round, in
    one pass over its results. Refused while any counted scored item has no score."""
    _check_admin(actor)
    round_ = AssessmentRound.objects.select_for_update().select_related("template").get(pk=round.pk)
    template = round_.template
    if round_.finalised_at:
        raise ValidationError(_("This round is already finalised."))
    if round_.run_status != AssessmentRound.RunStatus.DONE:
        raise ValidationError(_("Compute the round before finalising it."))
    items = {
        item.pk: item
        for item in AssessmentItem.objects.filter(section__template=template).select_related(
            "section"
        )
    }
    weight_of = {pk: item.section.weight * item.weight / HUNDRED for pk, item in items.items()}
    assessments = {
        a.pk: a for a in Assessment.objects.filter(round=round_).select_related("subject")
    }
    parts = defaultdict(list)
    missing_scores = defaultdict(list)
    left_out = defaultdict(list)
    seen = defaultdict(set)
    for assessment_id, item_id, normalised in AssessmentResult.objects.filter(
        assessment__round=round_
    ).values_list("assessment_id", "item_id", "normalised"):
        item = items[item_id]
        seen[assessment_id].add(item_id)
        parts[assessment_id].append((weight_of[item_id], normalised))
        if normalised is None and weight_of[item_id] > 0:
            (left_out if item.is_computed else missing_scores)[assessment_id].append(item.name)
    # A scored item nobody scored yet has no row at all.
    counted_scored = [pk for pk, item in items.items() if not item.is_computed and weight_of[pk]]
    for assessment_id in assessments:
        for item_id in counted_scored:
            if item_id not in seen[assessment_id]:
                missing_scores[assessment_id].append(items[item_id].name)
    if missing_scores:
        names = sorted(
            str(assessments[pk].subject.get_full_name() or assessments[pk].subject.username)
            for pk in missing_scores
        )
        raise ValidationError(
            _("%(count)s people still have items to score (%(names)s).")
            % {
                "count": len(names),
                "names": ", ".join(names[:5]) + (" …" if len(names) > 5 else ""),
            }
        )
    now = timezone.now()
    totals = {}
    for pk, assessment in assessments.items():
        assessment.total = weighted_total(parts[pk])
        assessment.left_out = ", ".join(left_out[pk])[:500]
        if assessment.total is not None:
            totals[pk] = assessment.total
    company = competition_ranks(totals)
    by_branch = defaultdict(dict)
    for pk, total in totals.items():
        by_branch[assessments[pk].branch_id][pk] = total
    branch_ranks = {}
    for branch_totals in by_branch.values():
        branch_ranks.update(competition_ranks(branch_totals))
    # Bottom M: ranked from the lowest total up, ties sharing a place.
    from_bottom = competition_ranks({pk: -total for pk, total in totals.items()})
    annual = template.kind == AssessmentKind.ANNUAL_COLLECTOR
    for pk, assessment in assessments.items():
        ranked = pk in totals
        assessment.rank_in_company = company.get(pk)
        assessment.rank_in_branch = branch_ranks.get(pk)
        assessment.promotion_eligible = bool(
            annual and ranked and assessment.total >= template.promotion_threshold
        )
        assessment.reward = bool(annual and ranked and company[pk] <= template.reward_top_count)
        assessment.training_plan = bool(
            annual and ranked and from_bottom[pk] <= template.training_bottom_count
        )
        assessment.status = Assessment.Status.FINALISED
        assessment.finalised_at = now
        assessment.finalised_by = actor
    _write_outcomes(list(assessments.values()), round_=round_, now=now, actor=actor)
    if annual:
        _training_needs(
            [a for a in assessments.values() if a.training_plan], round_=round_, actor=actor
        )
    round_.finalised_at = now
    round_.save()
    return round_
