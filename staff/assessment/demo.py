"""Demo data of the assessment engine (`seed_demo`): last year's annual assessment of the
collectors and the managers' assessments of the last two complete quarters, computed
from the demo's case data, scored and finalised. Idempotent: a round that exists is kept."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentRound,
    AssessmentTemplate,
)

from .forms import period_dates
from .services import (
    assessment_score,
    round_compute,
    round_create,
    round_finalise,
    template_create,
)

HR_LOGIN = "hq.hr"


def _template(kind: str, year: int, hr) -> AssessmentTemplate:
    existing = AssessmentTemplate.objects.filter(kind=kind, year=year).first()
    return existing or template_create(kind=kind, year=year, actor=hr)


def _round(template, period: str, hr) -> AssessmentRound | None:
    start, end, label = period_dates(template, period)
    if AssessmentRound.objects.filter(template=template, period_start=start).exists():
        return None
    round_ = round_create(
        template=template, period_start=start, period_end=end, label=label, actor=hr
    )
    AssessmentRound.objects.filter(pk=round_.pk).update(run_status=AssessmentRound.RunStatus.QUEUED)
    round_compute(round_id=round_.pk)
    scored = list(AssessmentItem.objects.filter(section__template=template, indicator=""))
    for assessment in Assessment.objects.filter(round=round_):
        for item in scored:
            # A spread of scores (2 to 5) that is the same on every run.
            score = 2 + (assessment.subject_id * 7 + item.pk * 3) % 4
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
    today = timezone.localdate()
    made = []
    annual = _template(AssessmentKind.ANNUAL_COLLECTOR, today.year - 1, hr)
    made.append(_round(annual, "year", hr))
    for year, quarter in _last_quarters(today, 2):
        template = _template(AssessmentKind.MANAGER_QUARTERLY, year, hr)
        made.append(_round(template, quarter, hr))
    rounds = [r for r in made if r is not None]
    if stdout is not None and rounds:
        stdout.write(f"assessments: {len(rounds)} rounds computed, scored and finalised")
    return {"rounds": len(rounds)}
