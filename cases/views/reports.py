"""Pages of collectors' reports (DESIGN §4.6): the weekly reports (a collector's own; the
branch's for supervisors and branch managers), one report (write and submit; review:
accept or return with a comment), the monthly case summary, and the supervisor's
dashboard panel of late reports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collections_office.pages import id_param, in_company_time, sort_queryset
from collections_office.workdays import company_tz
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from ..access import TEAM_READER_ROLES
from ..dashboard import panels
from ..models import WeeklyReport
from ..selectors import reports as selectors
from ..services import reports as services
from .common import history_rows

REPORT_ROLES = (*TEAM_READER_ROLES, roles.PHONE_COLLECTOR)
PER_PAGE = 50
REPORT_SORTS = {
    "week": "week_start",
    "collector": "collector__first_name",
    "status": "status",
    "submitted": "submitted_at",
}


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _today() -> dt.date:
    return timezone.localtime(timezone.now(), company_tz()).date()


@role_required(*REPORT_ROLES)
@in_company_time
def weekly_reports(request):
    reports = selectors.report_list(user=request.user)
    status = request.GET.get("status", "")
    if status in WeeklyReport.Status.values:
        reports = reports.filter(status=status)
    collector_id = id_param(request.GET.get("collector"))
    if collector_id:
        reports = reports.filter(collector_id=collector_id)
    reports, sort = sort_queryset(reports, request, REPORT_SORTS, "-week")
    page = Paginator(reports, PER_PAGE)
    is_collector = has_role(request.user, roles.PHONE_COLLECTOR)
    this_week = selectors.week_start_of(_today())
    return render(
        request,
        "cases/teamwork/weekly_reports.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "sort": sort,
            "status": status,
            "statuses": WeeklyReport.Status.choices,
            "collector_id": collector_id,
            "collectors": selectors.team_collectors(request.user)
            if selectors.may_read_team(request.user)
            else [],
            "is_collector": is_collector,
            "weeks_to_start": [this_week, this_week - dt.timedelta(days=7)] if is_collector else [],
            "late": selectors.late_reports(user=request.user)
            if selectors.may_read_team(request.user)
            else [],
        },
    )


@role_required(roles.PHONE_COLLECTOR)
@in_company_time
@require_POST
def weekly_report_start(request):
    """Opens the collector's report of a week (started if new)."""
    try:
        week = dt.date.fromisoformat(request.POST.get("week", ""))
    except ValueError:
        week = selectors.week_start_of(_today())
    try:
        report = services.weekly_report_start(collector=request.user, week_start=week)
    except ValidationError as exc:
        for errors in _errors(exc).values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:weekly_reports")
    return redirect("cases:weekly_report_detail", pk=report.pk)


@role_required(*REPORT_ROLES)
@in_company_time
def weekly_report_detail(request, pk: int):
    report = get_scoped_object_or_404(
        selectors.report_list(user=request.user), user=request.user, pk=pk
    )
    is_author = report.collector_id == request.user.pk
    may_review = (
        selectors.may_review_reports(request.user)
        and not is_author
        and report.status == WeeklyReport.Status.SUBMITTED
    )
    errors: dict = {}
    posted = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        posted = request.POST
        try:
            if action in ("save", "submit") and is_author:
                narrative = request.POST.get("narrative", "")
                if action == "save":
                    services.weekly_report_save(
                        report=report, actor=request.user, narrative=narrative
                    )
                    messages.success(request, _("Report saved."))
                else:
                    services.weekly_report_submit(
                        report=report, actor=request.user, narrative=narrative
                    )
                    messages.success(request, _("Report submitted to your supervisor."))
            elif action in ("accept", "return") and selectors.may_review_reports(request.user):
                comment = request.POST.get("comment", "")
                if action == "accept":
                    services.weekly_report_accept(
                        report=report, actor=request.user, comment=comment
                    )
                    messages.success(request, _("Report accepted."))
                else:
                    services.weekly_report_return(
                        report=report, actor=request.user, comment=comment
                    )
                    messages.success(request, _("Report returned to the collector."))
            else:
                raise PermissionDenied
            return redirect("cases:weekly_report_detail", pk=report.pk)
        except ValidationError as exc:
            errors = _errors(exc)
            report.refresh_from_db()
    if report.status == WeeklyReport.Status.DRAFT or not report.figures:
        end_day = min(report.week_start + dt.timedelta(days=6), _today())
        figures = selectors.collector_figures(
            report.collector, start_day=report.week_start, end_day=end_day
        )
        live = True
    else:
        figures, live = report.figures, False
    return render(
        request,
        "cases/teamwork/weekly_report.html",
        {
            "report": report,
            "figures": selectors.figure_rows(figures),
            "live": live,
            "week_end": report.week_start + dt.timedelta(days=6),
            "due_at": selectors.report_due_at(report.week_start),
            "is_author": is_author,
            "may_edit": is_author and report.is_editable,
            "may_review": may_review,
            "errors": errors,
            "narrative": posted.get("narrative", report.narrative) if posted else report.narrative,
            "comment": posted.get("comment", "") if posted else "",
            "history": history_rows(
                report.history.select_related("history_user").order_by("-history_id"),
            ),
        },
        status=422 if errors else 200,
    )


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else _today().replace(day=1)
    except ValueError:
        return _today().replace(day=1)


@role_required(*REPORT_ROLES)
@in_company_time
def monthly_summary(request):
    """Each collector's case summary of a month (a collector: their own)."""
    month = _month(request)
    collectors = list(selectors.team_collectors(request.user)[:200])
    labels = selectors.MONTHLY_FIGURES
    rows = []
    for collector in collectors:
        figures = selectors.monthly_figures(collector, month=month)
        rows.append({"collector": collector, "values": [figures.get(key) for key in labels]})
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "cases/teamwork/monthly_summary.html",
        {
            "month": month,
            "previous": previous,
            "following": following if following <= _today() else None,
            "labels": [str(label) for label in labels.values()],
            "rows": rows,
        },
    )


# --- The dashboard ---------------------------------------------------------------------------


@panels.register(
    "late-weekly-reports",
    order=35,
    title=gettext_lazy("Weekly reports"),
    roles=TEAM_READER_ROLES,
)
def late_reports_panel(user) -> dict | None:
    if not has_role(user, *TEAM_READER_ROLES):
        return None
    late = selectors.late_reports(user=user)
    waiting = selectors.report_list(user=user).filter(status=WeeklyReport.Status.SUBMITTED)
    return {
        "template": "cases/teamwork/_dashboard_reports.html",
        "late": late[:20],
        "late_count": len(late),
        "waiting_count": waiting.count(),
    }


@panels.register(
    "my-weekly-report",
    order=15,
    title=gettext_lazy("My weekly report"),
    roles=(roles.PHONE_COLLECTOR,),
)
def my_report_panel(user) -> dict | None:
    """A phone collector's last week's report: to write, late, returned, or done."""
    if not has_role(user, roles.PHONE_COLLECTOR):
        return None
    week = selectors.last_complete_week()
    report = WeeklyReport.objects.filter(collector=user, week_start=week).first()
    returned = (
        WeeklyReport.objects.filter(collector=user, status=WeeklyReport.Status.RETURNED)
        .order_by("-week_start")
        .first()
    )
    return {
        "template": "cases/teamwork/_dashboard_my_report.html",
        "week": week,
        "report": report,
        "returned": returned,
        "due_at": selectors.report_due_at(week),
        "late": (report is None or report.status == WeeklyReport.Status.DRAFT)
        and timezone.now() > selectors.report_due_at(week),
    }
