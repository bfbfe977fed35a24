"""Scoped reads of recruitment: vacancies, candidates (HR and their interviewers only)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from staff.models import Candidate, Interview, Vacancy
from staff.selectors import get_scoped_object_or_404


def vacancy_list(*, user, status: str = "") -> QuerySet[Vacancy]:
    queryset = (
        Vacancy.objects.visible_to(user)
        .select_related("branch", "department")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            hired_count=Count(
                "candidates", filter=Q(candidates__stage=Candidate.Stage.HIRED), distinct=True
            ),
        )
        .order_by("-opened_at", "-pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def vacancy_get(*, user, pk: int) -> Vacancy:
    return get_scoped_object_or_404(vacancy_list(user=user), user=user, pk=pk)


def candidate_list(*, user, vacancy: Vacancy | None = None, stage: str = "") -> QuerySet[Candidate]:
    queryset = Candidate.objects.visible_to(user).select_related("vacancy", "branch", "referred_by")
    if vacancy is not None:
        queryset = queryset.filter(vacancy=vacancy)
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset


def candidate_get(*, user, pk: int) -> Candidate:
    return get_scoped_object_or_404(candidate_list(user=user), user=user, pk=pk)


def interview_get(*, user, candidate: Candidate, pk: int) -> Interview:
    return get_scoped_object_or_404(
        Interview.objects.visible_to(user).filter(candidate=candidate), user=user, pk=pk
    )


def my_interviews(*, user) -> QuerySet[Interview]:
    return (
        Interview.objects.filter(interviewer=user)
        .select_related("candidate__vacancy")
        .order_by("score", "-pk")
    )
