"""Rows of the assessment engine for the scoping battery's world (tests/scoping/world.py):
one finalised annual assessment of each side's collector."""

from __future__ import annotations

import datetime as dt

from staff.models import Assessment, AssessmentKind, AssessmentRound, AssessmentTemplate


def assessment_of(side) -> Assessment:
    template, _ = AssessmentTemplate.objects.get_or_create(
        kind=AssessmentKind.ANNUAL_COLLECTOR, year=2025, defaults={"name": "Annual 2025"}
    )
    round_, _ = AssessmentRound.objects.get_or_create(
        template=template,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        defaults={"label": "2025", "run_status": AssessmentRound.RunStatus.DONE},
    )
    assessment, _ = Assessment.objects.get_or_create(
        round=round_,
        subject=side.collector,
        defaults={"branch": side.branch, "status": Assessment.Status.FINALISED, "total": 70},
    )
    return assessment
