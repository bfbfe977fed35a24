"""Demo data of the assessment engine (`seed_demo`): last year's annual assessment of the
collectors and the managers' assessments of the last two complete quarters, computed
from the demo's case data, scored and finalised. Idempotent: a round that exists is kept.

The demo's cases and payments are from the last few weeks, so the periods assessed here
have no work in them: every "amount collected" was 0 and every person's total fell below
the early-warning threshold (the whole staff flagged). The demo therefore stands in for
the past with plausible figures where the computation found none (80–115% of the item's
target), and reviewers' scores of 3 to 5 — except one collector (WEAK_COLLECTOR, also the
one without training), whose year was poor: the early-warning list shows a couple of
people, as an agency's would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from collections_office.workdays import company_today
from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    AssessmentTemplate,
)

from .forms import period_dates
from .services import (
    assessment_score,
    computed_score,
    round_compute,
    round_create,
    round_finalise,
    template_create,
)

HR_LOGIN = "hq.hr"
WEAK_COLLECTOR = "sh.field"  # staff/demo_talent.py leaves them untrained too


def _share(subject_id: int, item_id: int) -> Decimal:
    """A fraction in [0, 1) that is the same on every run."""
    return Decimal((subject_id * 7 + item_id * 3) % 100) / 100


def _stand_in_for_the_past(round_: AssessmentRound, weak_ids: set[int]) -> None:
    """Computed items the demo has no work for (0 where a target is to be reached) get a
    plausible value; penalties (complaints, violations) at 0 are already realistic."""
    results = AssessmentResult.objects.filter(
        assessment__round=round_,
        item__scoring=AssessmentItem.Scoring.TARGET,
        value=0,
    ).select_related("item", "assessment")
    for result in results:
        share = _share(result.assessment.subject_id, result.item.pk)
        if result.assessment.subject_id in weak_ids:
            level = Decimal("0.35") + share * Decimal("0.2")
        else:
            level = Decimal("0.8") + share * Decimal("0.35")
        result.value = ((result.item.target or Decimal(100)) * level).quantize(Decimal("0.01"))
        result.normalised = computed_score(result.item, result.value)
        result.save(update_fields=["value", "normalised"])


def _template(kind: str, year: int, hr) -> AssessmentTemplate:
    existing = AssessmentTemplate.objects.filter(kind=kind, year=year).first()
    return existing or template_create(kind=kind, year=year, actor=hr)


def _round(template, period: str, hr, weak_ids: set[int]) -> AssessmentRound | None:
    start, end, label = period_dates(template, period)
    if AssessmentRound.objects.filter(template=template, period_start=start).exists():
        return None
    round_ = round_create(
        template=template, period_start=start, period_end=end, label=label, actor=hr
    )
    AssessmentRound.objects.filter(pk=round_.pk).update(run_status=AssessmentRound.RunStatus.QUEUED)
    round_compute(round_id=round_.pk)
    _stand_in_for_the_past(round_, weak_ids)
    scored = list(AssessmentItem.objects.filter(section__template=template, indicator=""))
    for assessment in Assessment.objects.filter(round=round_):
        for item in scored:
            # A spread of scores that is the same on every run: 3 to 5, the weak one 2 to 3.
            spread = assessment.subject_id * 7 + item.pk * 3
            weak = assessment.subject_id in weak_ids
            score = 2 + spread % 2 if weak else 3 + spread % 3
            assessment_score(
                assessment=assessment,
                item=item,
                score=score,
                comment="",
                actor=hr,
            )
    round_finalise(round=round_, actor=hr)
    return round_


def _last_quarters(today: dt.date, count: int) -> list[tuple[int, str]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        periods.append((year, f"q{quarter}"))
    return list(reversed(periods))


@transaction.atomic
def seed(*, stdout=None) -> dict:
    hr = get_user_model().objects.filter(username=HR_LOGIN).first()
    if hr is None:
        return {}
    today = company_today()
    weak_ids = set(
        get_user_model().objects.filter(username=WEAK_COLLECTOR).values_list("pk", flat=True)
    )
    made = []
    annual = _template(AssessmentKind.ANNUAL_COLLECTOR, today.year - 1, hr)
    made.append(_round(annual, "year", hr, weak_ids))
    for year, quarter in _last_quarters(today, 2):
        template = _template(AssessmentKind.MANAGER_QUARTERLY, year, hr)
        made.append(_round(template, quarter, hr, weak_ids))
    rounds = [r for r in made if r is not None]
    if stdout is not None and rounds:
        stdout.write(f"assessments: {len(rounds)} rounds computed, scored and finalised")
    return {"rounds": len(rounds)}
