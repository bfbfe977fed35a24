"""Shared steps of the assessment tests: weights by name, scores for everyone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from staff.assessment.services import assessment_score, round_create, template_update
from staff.models import Assessment, AssessmentItem, AssessmentSection


def set_weights(template, actor, sections: dict[str, str], items: dict[str, str], **kwargs):
    section_weights = {
        s.pk: Decimal(sections[s.name])
        for s in AssessmentSection.objects.filter(template=template)
        if s.name in sections
    }
    item_weights, item_targets = {}, {}
    for item in AssessmentItem.objects.filter(section__template=template):
        if item.name in items:
            value = items[item.name]
            weight, _, target = value.partition("@")
            item_weights[item.pk] = Decimal(weight)
            if target:
                item_targets[item.pk] = Decimal(target)
    return template_update(
        template=template,
        actor=actor,
        section_weights=section_weights,
        item_weights=item_weights,
        item_targets=item_targets,
        **kwargs,
    )


def year_round(template, actor, year=2025):
    return round_create(
        template=template,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        label=str(year),
        actor=actor,
    )


def score_all(round_, reviewer, scores: dict[int, dict[str, int]]):
    """scores: {user id: {section name: score for each of its scored items}}."""
    for assessment in Assessment.objects.filter(round=round_):
        by_section = scores[assessment.subject_id]
        for item in AssessmentItem.objects.filter(
            section__template=round_.template, indicator=""
        ).select_related("section"):
            assessment_score(
                assessment=assessment,
                item=item,
                score=by_section[item.section.name],
                actor=reviewer,
            )
