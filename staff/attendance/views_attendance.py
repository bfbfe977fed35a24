"""Attendance pages: my day (clock in / out) and month, a person's monthly sheet (signed
by them, locked by HR), the team's month for managers and HR, HR's correction of a day."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.models import AttendanceMonth

from . import clock, selectors
from .days import day_rows, month_totals, team_day_rows, today
from .forms import AttendanceCorrectForm
from .scope import MANAGER_ROLES, is_hr_for

TEAM_ROLES = (*MANAGER_ROLES, roles.HR)


def _month(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None


def _month_param(request) -> dt.date:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return dt.date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


def _neighbours(month: dt.date) -> tuple[dt.date, dt.date]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return previous, following


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@role_required()
@in_company_time
def attendance_home(request):
    """My attendance: today's clock and this month's sheet."""
    return redirect(
        "staff:attendance_sheet", user_id=request.user.pk, year=today().year, month=today().month
    )


@role_required()
@require_POST
def attendance_clock_in(request):
    try:
        record = clock.attendance_clock_in(user=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        with_time = record.clocked_in_at
        messages.success(
            request, _("Clocked in at %(time)s.") % {"time": clock._local_time(with_time)}
        )
    return redirect(_back(request, reverse("staff:attendance")))


@role_required()
@require_POST
def attendance_clock_out(request):
    try:
        record = clock.attendance_clock_out(user=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("Clocked out at %(time)s.") % {"time": clock._local_time(record.clocked_out_at)},
        )
    return redirect(_back(request, reverse("staff:attendance")))


@role_required()
@in_company_time
def attendance_sheet(request, user_id: int, year: int, month: int):
    person = selectors.person_get(user=request.user, user_id=user_id)
    first = _month(year, month)
    rows = day_rows(person=person, month=first)
    sheet = selectors.attendance_sheet_status(person=person, month=first)
    previous, following = _neighbours(first)
    own = person.pk == request.user.pk
    today_record = None
    if own:
        today_record = (
            selectors.attendance_records(user=request.user)
            .filter(user=request.user, work_date=today())
            .first()
        )
    return render(
        request,
        "staff/attendance/sheet.html",
        {
            "person": person,
            "month": first,
            "rows": rows,
            "totals": month_totals(rows),
            "sheet": sheet,
            "own": own,
            "today": today(),
            "today_record": today_record,
            "can_lock": is_hr_for(request.user, person) and not own,
            "month_over": today() > _neighbours(first)[1] - dt.timedelta(days=1),
            "previous": previous,
            "following": following,
            "flagged": [row for row in rows if row.clock_out_missing],
        },
    )


@role_required()
@require_POST
def attendance_sheet_confirm(request, user_id: int, year: int, month: int):
    person = selectors.person_get(user=request.user, user_id=user_id)
    if person.pk != request.user.pk:
        raise Http404
    try:
        clock.attendance_month_confirm(user=person, month=_month(year, month))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("You signed your attendance for %(month)s.") % {"month": f"{year}-{month:02d}"},
        )
    return redirect("staff:attendance_sheet", user_id=user_id, year=year, month=month)


@role_required(roles.HR)
@require_POST
def attendance_sheet_lock(request, user_id: int, year: int, month: int):
    person = selectors.person_get(user=request.user, user_id=user_id)
    try:
        clock.attendance_month_lock(actor=request.user, person=person, month=_month(year, month))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The month is checked and locked."))
    return redirect("staff:attendance_sheet", user_id=user_id, year=year, month=month)


@role_required(*TEAM_ROLES)
@in_company_time
def attendance_team(request):
    """The team's month: one line per person with the month's totals and the sheet's state."""
    month = _month_param(request)
    people = list(
        selectors.people_visible(user=request.user)
        .filter(status="active")
        .order_by("employee_number")[:500]
    )
    sheets = {
        sheet.user_id: sheet
        for sheet in AttendanceMonth.objects.filter(
            user__in=[profile.user_id for profile in people], month=month
        )
    }
    rows_by_person = team_day_rows(profiles=people, month=month)
    lines = [
        {
            "profile": profile,
            "totals": month_totals(rows_by_person[profile.user_id]),
            "sheet": sheets.get(profile.user_id),
        }
        for profile in people
    ]
    previous, following = _neighbours(month)
    return render(
        request,
        "staff/attendance/team.html",
        {"lines": lines, "month": month, "previous": previous, "following": following},
    )


@role_required(roles.HR)
@in_company_time
def attendance_correct(request, pk: int):
    record = selectors.attendance_record_get(user=request.user, pk=pk)
    if not is_hr_for(request.user, record.user):
        raise Http404
    initial = {"clocked_in_at": record.clocked_in_at, "clocked_out_at": record.clocked_out_at}
    form = AttendanceCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clock.attendance_correct(record=record, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The day is corrected; the history keeps the old times."))
            return redirect(
                "staff:attendance_sheet",
                user_id=record.user_id,
                year=record.work_date.year,
                month=record.work_date.month,
            )
    return render(request, "staff/attendance/correct.html", {"form": form, "record": record})
