"""The pages over HTTP: one-click clocking, bad input shown on the field with nothing
written and no 500, the payroll export with formula-looking text made inert."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from staff.attendance.overtime import (
    overtime_apply,
    overtime_confirm,
    overtime_decided,
    overtime_record,
)
from staff.models import AttendanceRecord, LeaveRequest

from .conftest import local

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_clocking_in_twice_through_the_page_is_refused_with_a_message(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9, 2))
    client = _client(team.collector)
    first = client.post(reverse("staff:attendance_clock_in"), follow=True)
    assert "09:02" in first.content.decode()
    time_machine.move_to(local(2025, 3, 3, 9, 30))
    second = client.post(reverse("staff:attendance_clock_in"), follow=True)
    assert second.status_code == 200
    assert "already clocked in today at 09:02" in second.content.decode()
    assert AttendanceRecord.objects.count() == 1


def test_a_leave_over_the_balance_is_shown_on_the_field_and_nothing_is_written(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    response = _client(team.collector).post(
        reverse("staff:leave_apply"),
        {
            "leave_type": team.annual.pk,
            "start_date": "2025-03-10",
            "start_half": "am",
            "end_date": "2025-03-21",
            "end_half": "pm",
            "reason": "travel",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Not enough Annual leave left in 2025" in str(form.errors["leave_type"])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_garbage_input_is_a_form_error_not_a_500(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    client = _client(team.collector)
    response = client.post(
        reverse("staff:leave_apply"),
        {"leave_type": "x", "start_date": "2025-02-30", "end_date": "soon", "start_half": "noon"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "leave_type",
        "start_date",
        "end_date",
        "reason",
    }
    response = client.post(
        reverse("staff:overtime_apply"), {"work_date": "2025-03-03", "expected_hours": "99"}
    )
    assert response.status_code == 200
    assert "expected_hours" in response.context["form"].errors
    assert (
        client.get(
            reverse("staff:attendance_sheet", args=[team.collector.pk, 2025, 13])
        ).status_code
        == 404
    )


def test_recording_unapproved_overtime_through_the_page_is_refused_on_the_field(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    overtime = overtime_apply(
        user=team.collector, work_date=dt.date(2025, 3, 3), expected_hours=Decimal("2"), reason="x"
    )
    response = _client(team.collector).post(
        reverse("staff:overtime_record", args=[overtime.pk]), {"actual_hours": "2"}
    )
    assert response.status_code == 400
    assert "Only approved overtime is recorded" in response.content.decode()
    overtime.refresh_from_db()
    assert overtime.actual_hours is None


def test_the_payroll_export_totals_confirmed_hours_and_escapes_formulas(team, time_machine):
    team.collector.first_name = "=HYPERLINK(1)"
    team.collector.save()
    time_machine.move_to(local(2025, 3, 3, 9))
    overtime = overtime_apply(
        user=team.collector, work_date=dt.date(2025, 3, 3), expected_hours=Decimal("2"), reason="x"
    )
    overtime_decided(overtime=overtime, approved=True, decider=team.supervisor)
    overtime_record(overtime=overtime, actor=team.collector, actual_hours=Decimal("3.5"))
    overtime_confirm(overtime=overtime, actor=team.hr)
    client = _client(team.hr)
    csv_response = client.get(reverse("staff:overtime_totals") + "?month=2025-03&export=csv")
    rows = list(
        csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")))
    )
    assert rows[1][1].startswith("'=HYPERLINK")
    assert rows[1][-1] == "3.5"
    xlsx_response = client.get(reverse("staff:overtime_totals") + "?month=2025-03&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")
    assert _client(team.collector).get(reverse("staff:overtime_totals")).status_code == 403


def test_the_team_page_reads_a_branch_in_a_bounded_number_of_queries(
    team, time_machine, django_assert_max_num_queries
):
    from tests.factories import make_staff

    for number in range(12):
        make_staff("phone_collector", branch=team.branch, username=f"extra{number}")
    time_machine.move_to(local(2025, 3, 20, 9))
    client = _client(team.hr)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("staff:attendance_team") + "?month=2025-03")
    assert response.status_code == 200
    assert len(response.context["lines"]) == 19  # branch A: 7 of the team + 12
