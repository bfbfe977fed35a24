"""Scoped reads of the assessment engine: lists, one assessment with its items, the
distribution of a round's totals and a person's history."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from staff.models import (
    Assessment,
    AssessmentResult,
    AssessmentRound,
    AssessmentTemplate,
    StaffProfile,
)
from staff.selectors import get_scoped_object_or_404

from .access import may_review

DISTRIBUTION_BANDS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def template_list(*, user) -> QuerySet[AssessmentTemplate]:
    if not may_review(user):
        return AssessmentTemplate.objects.none()
    return AssessmentTemplate.objects.all()


def template_get(*, user, pk: int) -> AssessmentTemplate:
    return get_scoped_object_or_404(template_list(user=user), user=user, pk=pk)


def round_list(*, user) -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.visible_to(user).select_related("template")


def round_get(*, user, pk: int) -> AssessmentRound:
    return get_scoped_object_or_404(round_list(user=user), user=user, pk=pk)


def assessment_list(*, user, round: AssessmentRound | None = None, branch_id=None) -> QuerySet:
    queryset = Assessment.objects.visible_to(user).select_related(
        "subject", "branch", "round__template"
    )
    if round is not None:
        queryset = queryset.filter(round=round)
    if branch_id:
        queryset = queryset.filter(branch_id=branch_id)
    return queryset


def assessment_get(*, user, pk: int) -> Assessment:
    return get_scoped_object_or_404(assessment_list(user=user), user=user, pk=pk)


def assessment_results(assessment: Assessment) -> list[AssessmentResult]:
    """The item results in the template's order, with their items and sections."""
    return list(
        AssessmentResult.objects.filter(assessment=assessment)
        .select_related("item__section", "scored_by")
        .order_by("item__section__position", "item__position", "item_id")
    )


def round_rows(*, user, round: AssessmentRound, branch_id=None) -> QuerySet:
    """The results table and the exports: the assessments the user sees, best first."""
    return (
        assessment_list(user=user, round=round, branch_id=branch_id)
        .select_related("subject__staff_profile")
        .order_by("rank_in_company", "subject__last_name", "pk")
    )


def distribution(rows) -> list[tuple[str, int]]:
    """How many totals fall in each band (the results page's chart)."""
    counts = Counter()
    for total in rows.filter(total__isnull=False).values_list("total", flat=True):
        for low, high in DISTRIBUTION_BANDS:
            if low <= total < high:
                counts[(low, high)] += 1
                break
    return [(f"{low}–{min(high, 100)}", counts[(low, high)]) for low, high in DISTRIBUTION_BANDS]


def person_get(*, user, user_id: int):
    """A person whose assessments the user may look at (themselves, or someone of a branch
    they review); anyone else is a 404."""
    people = get_user_model().objects.filter(pk=user_id)
    if user_id != user.pk:
        visible = (
            StaffProfile.objects.visible_to(user).values("user_id")
            if may_review(user)
            else StaffProfile.objects.none().values("user_id")
        )
        people = people.filter(pk__in=visible)
    return get_scoped_object_or_404(people.select_related("staff_profile"), user=user, pk=user_id)


def person_history(*, user, person) -> QuerySet:
    """A person's finalised assessments the user may see, oldest first (the chart)."""
    return (
        assessment_list(user=user)
        .filter(subject=person, status=Assessment.Status.FINALISED)
        .order_by("round__period_start", "round__template__kind")
    )
