"""Report pages: results (a table, a chart, downloads of the rows one may read), runs with
their status and errors, running a report by hand, and the schedules beat reads."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from . import kinds as report_kinds
from .forms import RunForm, ScheduleForm
from .models import ReportResult, ReportRun, ReportSchedule
from .selectors import (
    READER_ROLES,
    readable_kinds,
    result_list,
    result_rows_for,
    run_list,
    schedule_list,
)
from .services import run_request

OPERATOR_ROLES = (roles.ADMIN_STAFF,)


def _label(kind_key: str):
    try:
        return report_kinds.kind(kind_key).label
    except LookupError:
        return kind_key


@role_required(*READER_ROLES)
@in_company_time
def report_index(request):
    results = list(result_list(user=request.user)[:200])
    for result in results:
        result.label = _label(result.kind)
    choosable = [
        (key, report_kinds.kind(key).label) for key in sorted(readable_kinds(request.user))
    ]
    return render(request, "reporting/index.html", {"results": results, "choosable": choosable})


@require_GET
@role_required(*READER_ROLES)
@in_company_time
def result_detail(request, pk: int):
    from .pages_period import _blank, _sorted, display, table_context

    result = get_scoped_object_or_404(
        ReportResult.objects.visible_to(request.user).filter(kind__in=readable_kinds(request.user)),
        user=request.user,
        pk=pk,
    )
    kind = report_kinds.kind(result.kind)
    rows = result_rows_for(user=request.user, result=result)
    sort = request.GET.get("sort", "")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        columns = kind.columns
        rows = _sorted(rows, sort, {column.key for column in columns})
        header = [str(column.label) for column in columns]
        table = [[_blank(display(row.get(column.key))) for column in columns] for row in rows]
        name = f"{result.kind}-{result.period_start:%Y%m%d}-{result.period_end:%Y%m%d}.{export}"
        maker = csv_response if export == "csv" else xlsx_response
        return maker(name, header, table)
    context = table_context(kind, rows, start=result.period_start, end=result.period_end, sort=sort)
    context.update({"result": result, "label": kind.label})
    return render(request, "reporting/result.html", context)


def _sortable(value):
    if isinstance(value, str):
        try:
            return (0, Decimal(value), "")
        except ArithmeticError:
            return (1, Decimal(0), value.lower())
    return (0, Decimal(value or 0), "")


@role_required(*OPERATOR_ROLES)
@in_company_time
def run_list_page(request):
    status = request.GET.get("status", "")
    if status not in ReportRun.Status.values:
        status = ""
    form = RunForm()
    page = Paginator(run_list(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    for run in page:
        run.label = _label(run.kind)
    return render(
        request,
        "reporting/runs.html",
        {"page": page, "status": status, "statuses": ReportRun.Status.choices, "form": form},
    )


@require_POST
@role_required(*OPERATOR_ROLES)
def run_start(request):
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                run_request(
                    kind=form.cleaned_data["kind"],
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    trigger=ReportRun.Trigger.MANUAL,
                    requested_by=request.user,
                )
        except ValidationError as exc:
            form_errors_from(form, exc)
    if form.errors:
        page = Paginator(run_list(user=request.user), 50).get_page(1)
        for run in page:
            run.label = _label(run.kind)
        return render(
            request,
            "reporting/runs.html",
            {"page": page, "status": "", "statuses": ReportRun.Status.choices, "form": form},
        )
    messages.success(request, _("The report is queued; this page shows when it is done."))
    return redirect("reporting:runs")


@require_POST
@role_required(*OPERATOR_ROLES)
def run_again(request, pk: int):
    """A manual re-run of the same report and period: its result replaces the earlier one."""
    run = get_scoped_object_or_404(
        ReportRun.objects.visible_to(request.user), user=request.user, pk=pk
    )
    try:
        with transaction.atomic():
            run_request(
                kind=run.kind,
                period_start=run.period_start,
                period_end=run.period_end,
                scope=run.scope,
                scope_id=run.scope_id,
                trigger=ReportRun.Trigger.MANUAL,
                requested_by=request.user,
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reporting:runs")
    messages.success(
        request, _("The report is queued again; its result will replace the earlier one.")
    )
    return redirect("reporting:runs")


@role_required(*OPERATOR_ROLES)
@in_company_time
def schedule_list_page(request):
    schedules = list(schedule_list())
    for schedule in schedules:
        schedule.label = _label(schedule.kind)
    return render(request, "reporting/schedules.html", {"schedules": schedules})


@role_required(*OPERATOR_ROLES)
def schedule_edit(request, pk: int):
    # Schedules are the company's (one beat for all branches): HQ's admin staff edit them;
    # a branch's admin staff read them.
    from staff.selectors import sees_all_branches

    schedule = get_scoped_object_or_404(ReportSchedule.objects.all(), user=request.user, pk=pk)
    if not sees_all_branches(request.user):
        messages.error(request, _("Only headquarters' admin staff change the schedules."))
        return redirect("reporting:schedules")
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Schedule saved; beat uses it within a minute."))
        return redirect("reporting:schedules")
    return render(
        request,
        "reporting/schedule_edit.html",
        {"form": form, "schedule": schedule, "label": _label(schedule.kind)},
    )
