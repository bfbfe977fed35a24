"""Scoped reads of field visits (DESIGN §4.5), and their case timeline source.

Every read goes through the models' `visible_to(user)`: supervisors and branch managers
their branch, a field collector their own lists, a phone collector their cases' rows.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import VISIT_PAGE_ROLES
from cases.models import (
    SafetyAlert,
    VisitDeadlineExtension,
    VisitNomination,
    VisitPlan,
    VisitReport,
)
from cases.timeline import TimelineEntry, timeline_source
from staff import roles
from staff.selectors import has_role


def field_collectors_of(branch):
    """The active field collectors of a branch (the people a visit can go to)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=roles.FIELD_COLLECTOR, staff_profile__branch=branch
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def field_collectors_by_load(branch) -> list:
    """The branch's field collectors, each with `waiting` (visits still to make); the
    nomination form preselects the least loaded (docs/decisions.md). One query."""
    return list(
        field_collectors_of(branch).annotate(
            waiting=Count(
                "visit_nominations",
                filter=Q(visit_nominations__status=VisitNomination.Status.NOMINATED),
            )
        )
    )


def branch_supervisors(branch):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SUPERVISOR, staff_profile__branch=branch)
        .distinct()
    )


def nomination_list(*, user) -> QuerySet[VisitNomination]:
    return VisitNomination.objects.visible_to(user).select_related(
        "case", "case__debtor", "field_collector", "nominated_by"
    )


def visit_list(*, user, include_done: bool = False) -> QuerySet[VisitNomination]:
    """The field collector's visit list (a supervisor: the branch's), soonest due first."""
    rows = nomination_list(user=user)
    if not include_done:
        rows = rows.filter(status__in=VisitNomination.OPEN_STATUSES)
    return rows.order_by("due_at", "pk")


def plan_list(*, user) -> QuerySet[VisitPlan]:
    return VisitPlan.objects.visible_to(user).select_related("field_collector", "decided_by")


def plan_stops(plan: VisitPlan):
    return list(plan.stops.select_related("nomination__case", "nomination__case__debtor"))


def report_list(*, user) -> QuerySet[VisitReport]:
    return VisitReport.objects.visible_to(user).select_related(
        "case", "field_collector", "reviewed_by", "nomination"
    )


def alert_list(*, user) -> QuerySet[SafetyAlert]:
    return SafetyAlert.objects.visible_to(user).select_related(
        "case", "raised_by", "acknowledged_by"
    )


def extension_list(*, user) -> QuerySet[VisitDeadlineExtension]:
    return VisitDeadlineExtension.objects.visible_to(user).select_related("nomination__case")


def overdue_visits(*, user) -> QuerySet[VisitNomination]:
    """Visits still to be made whose (possibly extended) due time has passed."""
    return nomination_list(user=user).filter(
        status=VisitNomination.Status.NOMINATED, due_at__lt=timezone.now()
    )


def reports_waiting(*, user) -> QuerySet[VisitReport]:
    return report_list(user=user).filter(status=VisitReport.Status.SUBMITTED)


def open_alerts(*, user) -> QuerySet[SafetyAlert]:
    return alert_list(user=user).filter(acknowledged_at__isnull=True)


def _name(user) -> str:
    return "" if user is None else (user.get_full_name() or user.get_username())


@timeline_source("visit")
def visit_timeline_source(case, user, limit: int) -> list[TimelineEntry]:
    """Visit nominations of the case and their reports (one indexed query)."""
    from django.urls import reverse

    from cases.selectors.casepage_data import case_page_data

    # Admin staff read the case page but not visit pages: their entries link nowhere.
    may_open = has_role(user, *VISIT_PAGE_ROLES)
    entries = []
    # Read once with the case page's visits panel (case_page_data).
    for nomination in case_page_data(case).visit_nominations(limit):
        entries.append(
            TimelineEntry(
                at=nomination.nominated_at,
                kind="visit",
                title=_("Visit asked for (%(collector)s): %(status)s")
                % {
                    "collector": _name(nomination.field_collector),
                    "status": nomination.get_status_display(),
                },
                detail=nomination.reason,
                actor=_name(nomination.nominated_by),
                url=reverse("cases:visit_detail", args=[nomination.pk]) if may_open else "",
            )
        )
        report = getattr(nomination, "report", None)
        if report is not None:
            entries.append(
                TimelineEntry(
                    at=report.visited_at,
                    kind="visit_report",
                    title=_("Visit report: %(outcome)s (%(status)s)")
                    % {
                        "outcome": report.get_outcome_display(),
                        "status": report.get_status_display(),
                    },
                    detail=report.notes,
                    actor=_name(nomination.field_collector),
                    url=reverse("cases:visit_report", args=[report.pk]) if may_open else "",
                )
            )
    return entries
