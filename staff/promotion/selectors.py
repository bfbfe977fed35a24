"""Scoped reads of promotion data: who sees which application, the queues, the notice board.

Who sees an application:
- the applicant: their own;
- HR: their branch's (HQ HR: all);
- a department head: the applications assigned to them (or, when the department has no
  head, their branch's);
- a committee member: the applications of their cycles that reached the committee;
- everyone: what is on the notice board (through `notice_board`, not this rule).
Another branch's application is a 404, except for HQ HR.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import roles
from ..models import (
    LevelChange,
    MonthlyTarget,
    PromotionAppeal,
    PromotionApplication,
    PromotionCycle,
)
from ..selectors import has_role, sees_all_branches, user_branch

Status = PromotionApplication.Status
OPEN_STATUSES = (
    Status.DEPARTMENT_REVIEW,
    Status.MORE_EVIDENCE,
    Status.HR_REVIEW,
    Status.COMMITTEE,
    Status.PUBLIC_NOTICE,
)


def applications_visible_to(queryset: QuerySet, *, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if getattr(user, "is_superuser", False):
        return queryset
    allowed = Q(applicant=user)
    branch = user_branch(user)
    if has_role(user, roles.HR):
        if sees_all_branches(user):
            return queryset
        if branch is not None:
            allowed |= Q(branch=branch)
    if has_role(user, roles.DEPARTMENT_HEAD):
        allowed |= Q(department_reviewer=user)
        if branch is not None:
            allowed |= Q(department_reviewer__isnull=True, branch=branch)
    committees = PromotionCycle.objects.filter(committee=user).values("pk")
    allowed |= Q(cycle_id__in=committees, committee_round__gt=0)
    return queryset.filter(allowed)


def application_list(*, user) -> QuerySet[PromotionApplication]:
    return PromotionApplication.objects.visible_to(user).select_related(
        "cycle", "applicant", "applicant__staff_profile", "branch", "department"
    )


def my_applications(*, user) -> QuerySet[PromotionApplication]:
    return application_list(user=user).filter(applicant=user)


def department_queue(*, user) -> QuerySet[PromotionApplication]:
    """Applications waiting for this department head's opinion (never their own)."""
    if not has_role(user, roles.DEPARTMENT_HEAD):
        return PromotionApplication.objects.none()
    branch = user_branch(user)
    mine = Q(department_reviewer=user)
    if branch is not None:
        mine |= Q(department_reviewer__isnull=True, branch=branch)
    return (
        application_list(user=user)
        .filter(mine, status=Status.DEPARTMENT_REVIEW)
        .exclude(applicant=user)
    )


def hr_queue(*, user) -> QuerySet[PromotionApplication]:
    """Applications at HR review and open appeals' applications, in HR's branch (HQ: all)."""
    if not has_role(user, roles.HR):
        return PromotionApplication.objects.none()
    return (
        application_list(user=user)
        .filter(Q(status=Status.HR_REVIEW) | Q(appeals__status=PromotionAppeal.Status.OPEN))
        .exclude(applicant=user)
        .distinct()
    )


def committee_queue(*, user) -> QuerySet[PromotionApplication]:
    """Applications before a committee the user sits on (never their own)."""
    committees = PromotionCycle.objects.filter(committee=user).values("pk")
    return (
        application_list(user=user)
        .filter(cycle_id__in=committees, status=Status.COMMITTEE)
        .exclude(applicant=user)
    )


def notice_board() -> QuerySet[PromotionApplication]:
    """Results on public notice and past appointments: every staff member reads these.

    Only what a notice shows (name, branch, from → to, the notice's dates) is rendered.
    """
    return (
        PromotionApplication.objects.filter(notice_starts_at__isnull=False)
        .filter(status__in=(Status.PUBLIC_NOTICE, Status.APPOINTED))
        .select_related("applicant", "branch", "cycle")
        .order_by("-notice_starts_at", "-pk")
    )


def notice_get(*, pk: int) -> PromotionApplication | None:
    return notice_board().filter(pk=pk).first()


def notice_open(application: PromotionApplication) -> bool:
    return (
        application.status == Status.PUBLIC_NOTICE
        and application.notice_ends_at is not None
        and timezone.now() < application.notice_ends_at
    )


def cycle_list() -> QuerySet[PromotionCycle]:
    """Every cycle (they are the company's), with how many of its applications still move."""
    from django.db.models import Count

    from .setup import IN_FLIGHT

    return (
        PromotionCycle.objects.select_related("closed_by")
        .prefetch_related("committee")
        .annotate(in_flight=Count("applications", filter=Q(applications__status__in=IN_FLIGHT)))
    )


def open_cycles(*, today) -> QuerySet[PromotionCycle]:
    return PromotionCycle.objects.filter(status=PromotionCycle.Status.OPEN, deadline__gte=today)


def level_history(*, user, person) -> QuerySet[LevelChange]:
    return (
        LevelChange.objects.visible_to(user)
        .filter(user=person)
        .select_related("recorded_by")
        .order_by("-effective_on", "-pk")
    )


def monthly_targets(*, user, month) -> QuerySet[MonthlyTarget]:
    return MonthlyTarget.objects.visible_to(user).filter(month=month)
