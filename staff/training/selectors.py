"""Scoped reads of training: plans, sessions, people's records and needs."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from staff.models import (
    StaffProfile,
    TrainingEnrolment,
    TrainingNeed,
    TrainingPlan,
    TrainingSession,
)
from staff.selectors import get_scoped_object_or_404

from .access import team_visibility


def plan_list(*, user, status: str = "", query: str = "") -> QuerySet[TrainingPlan]:
    queryset = (
        TrainingPlan.objects.visible_to(user)
        .select_related("branch")
        .annotate(
            people=Count("enrolments", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
    )
    if status:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(Q(title__icontains=query) | Q(trainer__icontains=query))
    return queryset


def plan_get(*, user, pk: int) -> TrainingPlan:
    return get_scoped_object_or_404(
        TrainingPlan.objects.visible_to(user).select_related("branch", "created_by"),
        user=user,
        pk=pk,
    )


def plan_enrolments(*, user, plan: TrainingPlan) -> QuerySet[TrainingEnrolment]:
    """The plan's participants the user may see (HR and managers: all of their team)."""
    return (
        TrainingEnrolment.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("profile__user", "rated_by")
        .order_by("profile__employee_number")
    )


def session_get(*, user, plan: TrainingPlan, pk: int) -> TrainingSession:
    return get_scoped_object_or_404(
        TrainingSession.objects.visible_to(user).filter(plan=plan), user=user, pk=pk
    )


def enrolment_get(*, user, plan: TrainingPlan, pk: int) -> TrainingEnrolment:
    return get_scoped_object_or_404(
        TrainingEnrolment.objects.visible_to(user).filter(plan=plan).select_related("profile"),
        user=user,
        pk=pk,
    )


def training_history(*, user, profile: StaffProfile) -> QuerySet[TrainingEnrolment]:
    """A person's training record, as the reader may see it (own, team, HR)."""
    return (
        TrainingEnrolment.objects.visible_to(user)
        .filter(profile=profile)
        .select_related("plan")
        .annotate(
            sessions_present=Count("attendance", filter=Q(attendance__present=True)),
            sessions_recorded=Count("attendance"),
        )
        .order_by("-plan__starts_on", "-pk")
    )


def need_list(*, user, status: str = "") -> QuerySet[TrainingNeed]:
    queryset = TrainingNeed.objects.visible_to(user).select_related(
        "profile__user", "plan", "raised_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def team_members(*, user) -> QuerySet[StaffProfile]:
    """Active people whose needs the user may raise (their team, and themselves)."""
    rule = team_visibility(user)
    queryset = StaffProfile.objects.filter(status=StaffProfile.Status.ACTIVE)
    if rule is not None:
        queryset = queryset.filter(rule)
    return queryset.select_related("user").order_by("employee_number")
