"""Leave and overtime pages: mine and my team's, applying, the request's page with its
next step (withdraw, return from leave, record hours, confirm), who is away, and HR's
monthly overtime totals with the payroll export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.models import LeaveRequest, OvertimeRequest

from . import leave as leave_services
from . import overtime as overtime_services
from . import selectors
from .days import today
from .forms import LeaveApplyForm, LeaveReturnForm, OvertimeApplyForm, OvertimeRecordForm
from .scope import MANAGER_ROLES, is_hr_for, is_line_manager_of
from .views_attendance import _flash, _month_param, _neighbours

CALENDAR_ROLES = (*MANAGER_ROLES, roles.HR, roles.FRONT_DESK, roles.ADMIN_STAFF)
TOTALS_ROLES = (*MANAGER_ROLES, roles.HR, roles.FINANCE)


def _approval_of(obj, user):
    from .approvals import approval_for

    return approval_for(obj, user)


@role_required()
@in_company_time
def leave_home(request):
    year = today().year
    mine = selectors.leave_list(user=request.user, mine_only=True)
    team = None
    if request.GET.get("show") == "team":
        team = selectors.leave_list(
            user=request.user, status=request.GET.get("status", "")
        ).exclude(user=request.user)[:200]
    return render(
        request,
        "staff/leave/home.html",
        {
            "balances": leave_services.leave_balances(person=request.user, year=year),
            "year": year,
            "mine": mine[:100],
            "team": team,
            "status_choices": LeaveRequest.Status.choices,
            "leads_people": bool(team is not None),
        },
    )


@role_required()
def leave_apply(request):
    form = LeaveApplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            leave = leave_services.leave_apply(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Your leave request is sent for approval."))
            return redirect("staff:leave_detail", pk=leave.pk)
    return render(
        request,
        "staff/leave/apply.html",
        {
            "form": form,
            "balances": leave_services.leave_balances(person=request.user, year=today().year),
        },
    )


@role_required()
@in_company_time
def leave_detail(request, pk: int):
    leave = selectors.leave_get(user=request.user, pk=pk)
    own = leave.user_id == request.user.pk
    may_return = (
        own or is_hr_for(request.user, leave.user) or is_line_manager_of(request.user, leave.user)
    )
    return render(
        request,
        "staff/leave/detail.html",
        {
            "leave": leave,
            "own": own,
            "approval": _approval_of(leave, request.user),
            "can_cancel": own
            and leave.status in ("requested", "approved")
            and not (leave.status == "approved" and leave.start_date <= today()),
            "can_return": may_return
            and leave.status in ("approved", "taken")
            and leave.start_date < today(),
            "return_form": LeaveReturnForm(initial={"returned_on": today()}),
            "history": leave.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@role_required()
@require_POST
def leave_cancel(request, pk: int):
    leave = selectors.leave_get(user=request.user, pk=pk)
    try:
        leave_services.leave_cancel(leave=leave, actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The leave is withdrawn."))
    return redirect("staff:leave_detail", pk=pk)


@role_required()
@require_POST
def leave_return(request, pk: int):
    leave = selectors.leave_get(user=request.user, pk=pk)
    form = LeaveReturnForm(request.POST)
    if form.is_valid():
        try:
            leave_services.leave_record_return(
                leave=leave, actor=request.user, returned_on=form.cleaned_data["returned_on"]
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The return from leave is recorded."))
    else:
        messages.error(request, _("Back at work on: enter a date."))
    return redirect("staff:leave_detail", pk=pk)


@role_required(*CALENDAR_ROLES)
@in_company_time
def leave_calendar(request):
    """Who is away in the next two weeks (names, dates and the cover; never the reason)."""
    start = today()
    days = [start + dt.timedelta(days=offset) for offset in range(14)]
    away = list(selectors.away_between(user=request.user, start=days[0], end=days[-1]))
    grid = [
        {"leave": leave, "cells": [leave.start_date <= day <= leave.end_date for day in days]}
        for leave in away
    ]
    return render(request, "staff/leave/calendar.html", {"days": days, "grid": grid})


# --- Overtime -------------------------------------------------------------------------


@role_required()
@in_company_time
def overtime_home(request):
    team = None
    if request.GET.get("show") == "team":
        team = selectors.overtime_list(
            user=request.user, status=request.GET.get("status", "")
        ).exclude(user=request.user)[:200]
    return render(
        request,
        "staff/overtime/home.html",
        {
            "mine": selectors.overtime_list(user=request.user, mine_only=True)[:100],
            "team": team,
            "status_choices": OvertimeRequest.Status.choices,
        },
    )


@role_required()
def overtime_apply(request):
    form = OvertimeApplyForm(request.POST or None, initial={"work_date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            overtime = overtime_services.overtime_apply(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Your overtime request is sent for approval."))
            return redirect("staff:overtime_detail", pk=overtime.pk)
    return render(request, "staff/overtime/apply.html", {"form": form})


@role_required()
@in_company_time
def overtime_detail(request, pk: int, record_form=None):
    overtime = selectors.overtime_get(user=request.user, pk=pk)
    own = overtime.user_id == request.user.pk
    return render(
        request,
        "staff/overtime/detail.html",
        {
            "overtime": overtime,
            "own": own,
            "approval": _approval_of(overtime, request.user),
            "record_form": record_form
            or OvertimeRecordForm(initial={"actual_hours": overtime.expected_hours}),
            # A refused recording shows its form again, with the reason on the field.
            "can_record": own
            and (
                record_form is not None
                or (overtime.status == "approved" and overtime.work_date <= today())
            ),
            "can_cancel": own and overtime.status in ("requested", "approved"),
            "can_confirm": not own
            and overtime.status == "recorded"
            and (
                is_line_manager_of(request.user, overtime.user)
                or is_hr_for(request.user, overtime.user)
            ),
            "history": overtime.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
        },
        status=400 if record_form is not None else 200,
    )


@role_required()
@require_POST
def overtime_record(request, pk: int):
    overtime = selectors.overtime_get(user=request.user, pk=pk)
    form = OvertimeRecordForm(request.POST)
    if form.is_valid():
        try:
            overtime_services.overtime_record(
                overtime=overtime, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The hours are recorded and sent for confirmation."))
            return redirect("staff:overtime_detail", pk=pk)
    return overtime_detail(request, pk=pk, record_form=form)


@role_required()
@require_POST
def overtime_confirm(request, pk: int):
    overtime = selectors.overtime_get(user=request.user, pk=pk)
    try:
        overtime_services.overtime_confirm(overtime=overtime, actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The overtime hours are confirmed."))
    return redirect("staff:overtime_detail", pk=pk)


@role_required()
@require_POST
def overtime_cancel(request, pk: int):
    overtime = selectors.overtime_get(user=request.user, pk=pk)
    try:
        overtime_services.overtime_cancel(overtime=overtime, actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The overtime request is withdrawn."))
    return redirect("staff:overtime_detail", pk=pk)


@role_required(*TOTALS_ROLES)
@in_company_time
def overtime_totals(request):
    """Confirmed overtime per person for a month; the payroll export (CSV / XLSX)."""
    month = _month_param(request)
    rows = list(
        overtime_services.overtime_monthly_totals(
            selectors.overtime_list(user=request.user), month=month
        )
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = [
            _("Employee number"),
            _("Name"),
            _("Branch"),
            _("Month"),
            _("Overtime sessions"),
            _("Hours"),
        ]
        lines = [
            [
                row["user__staff_profile__employee_number"],
                f"{row['user__first_name']} {row['user__last_name']}".strip()
                or row["user__username"],
                row["branch__name"],
                month.strftime("%Y-%m"),
                row["sessions"],
                row["hours"],
            ]
            for row in rows
        ]
        filename = f"overtime-{month:%Y-%m}.{export}"
        respond = csv_response if export == "csv" else xlsx_response
        return respond(filename, header, lines)
    previous, following = _neighbours(month)
    return render(
        request,
        "staff/overtime/totals.html",
        {"rows": rows, "month": month, "previous": previous, "following": following},
    )
