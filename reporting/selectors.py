"""Reading reports: which results and which of their rows a person may see."""

from __future__ import annotations

from django.db.models import QuerySet

from staff import roles
from staff.selectors import has_role, profile_of, sees_all_branches

from . import kinds as report_kinds
from .models import ReportResult, ReportRun, ReportSchedule

# Who reads report results, and which rows: HQ and admin staff of HQ all; supervisors,
# branch managers, finance and admin staff their branch's rows; collectors their own.
READER_ROLES = (
    roles.SUPERVISOR,
    roles.BRANCH_MANAGER,
    roles.ADMIN_STAFF,
    roles.FINANCE,
    roles.PHONE_COLLECTOR,
    roles.FIELD_COLLECTOR,
)
BRANCH_READER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.ADMIN_STAFF, roles.FINANCE)


def readable_kinds(user) -> list[str]:
    """The kinds of report `user` reads (each kind names its readers)."""
    return [key for key, kind in report_kinds.kinds().items() if has_role(user, *kind.readers)]


def kind_readable(*, user, kind_key: str) -> bool:
    try:
        kind = report_kinds.kind(kind_key)
    except LookupError:
        return False
    return has_role(user, *kind.readers)


def result_list(*, user) -> QuerySet[ReportResult]:
    return (
        ReportResult.objects.visible_to(user)
        .filter(kind__in=readable_kinds(user))
        .select_related("run")
        .order_by("-period_end", "kind", "-pk")
    )


def rows_for(*, user, kind_key: str, rows: list[dict]) -> list[dict]:
    """The rows of a report of `kind_key` the user may read (a report holds the company's):
    HQ and the kind's company-wide roles all; branch readers their branch's; collectors
    their own; someone the kind does not name, none."""
    if not kind_readable(user=user, kind_key=kind_key):
        return []
    kind = report_kinds.kind(kind_key)
    if sees_all_branches(user) or (kind.company_wide and has_role(user, *kind.company_wide)):
        return rows
    profile = profile_of(user)
    if profile is None:
        return []
    if has_role(user, *BRANCH_READER_ROLES):
        return [row for row in rows if row.get("branch_id") == profile.branch_id]
    if has_role(user, roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR):
        return [row for row in rows if row.get("collector_id") == user.pk]
    return []


def result_rows_for(*, user, result: ReportResult) -> list[dict]:
    """The rows of a stored result the user may read."""
    return rows_for(user=user, kind_key=result.kind, rows=result.rows)


def run_list(*, user, status: str = "", kind: str = "") -> QuerySet[ReportRun]:
    queryset = ReportRun.objects.visible_to(user).select_related("requested_by", "schedule")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def runs_failed_recently(*, user, limit: int = 5) -> QuerySet[ReportRun]:
    """Failed runs not yet replaced by a later successful run of the same report."""
    from django.db.models import Exists, OuterRef

    later_success = ReportRun.objects.filter(
        kind=OuterRef("kind"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        scope=OuterRef("scope"),
        scope_id=OuterRef("scope_id"),
        status=ReportRun.Status.SUCCEEDED,
        queued_at__gt=OuterRef("queued_at"),
    )
    return (
        run_list(user=user, status=ReportRun.Status.FAILED)
        .exclude(Exists(later_success))
        .order_by("-finished_at")[:limit]
    )


def schedule_list() -> QuerySet[ReportSchedule]:
    return ReportSchedule.objects.order_by("key")
