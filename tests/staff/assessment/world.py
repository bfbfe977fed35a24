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


def scored_assessment(world) -> Assessment:
    """A finalised annual assessment of branch A's collector on the default template, every
    item with a result (for the pages read in Chinese)."""
    cached = getattr(world, "_scored_assessment", None)
    if cached is not None:
        return cached
    from decimal import Decimal

    from staff.assessment.services import template_create
    from staff.models import AssessmentItem, AssessmentResult

    template = template_create(kind=AssessmentKind.MANAGER_ANNUAL, year=2025, actor=world.superuser)
    round_ = AssessmentRound.objects.create(
        template=template,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        label="2025",
        run_status=AssessmentRound.RunStatus.DONE,
        subjects_total=1,
        subjects_done=1,
    )
    assessment = Assessment.objects.create(
        round=round_,
        subject=world.home.collector,
        branch=world.home.branch,
        status=Assessment.Status.FINALISED,
        total=Decimal("75.5"),
        rank_in_branch=1,
        rank_in_company=1,
    )
    for item in AssessmentItem.objects.filter(section__template=template):
        AssessmentResult.objects.create(
            assessment=assessment,
            item=item,
            value=None if item.indicator == "training_participation" else Decimal("80"),
            score=None if item.indicator else Decimal("4"),
            normalised=None if item.indicator == "training_participation" else Decimal("80"),
        )
    world._scored_assessment = assessment
    return assessment
