"""The attendance and leave day in a real browser (Playwright + Debian Chromium): a
collector clocks in and applies for leave, the supervisor approves it in the approvals
list, the collector records the return (銷假)."""

from __future__ import annotations

import datetime as dt

import pytest

from collections_office.workdays import is_working_day
from staff.attendance.days import today
from staff.attendance.leave import default_leave_types_ensure
from staff.models import AttendanceRecord, LeaveRequest
from tests.conftest import browser_login, click_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def test_a_collector_clocks_in_applies_for_leave_the_supervisor_approves_and_the_return_is_recorded(
    page, browser, live_server, team
):
    default_leave_types_ensure()
    # A one-day leave on the last working day, so that the return can be recorded today.
    leave_day = _previous_working_day(today())

    browser_login(page, team.collector.username)
    page.click("#clock-in")  # the dashboard's panel: one click
    page.wait_for_load_state()
    assert page.locator("#clocked-in-time").count() == 1
    assert AttendanceRecord.objects.filter(user=team.collector, work_date=today()).count() == 1

    click_nav(page, "nav-attendance")
    page.click("#tab-leave")
    page.click("#apply-leave")
    page.wait_for_load_state()
    page.select_option("#id_leave_type", label="Annual leave")
    page.fill("#id_start_date", leave_day.isoformat())
    page.fill("#id_end_date", leave_day.isoformat())
    page.select_option("#id_cover", str(team.colleague.pk))
    page.fill("#id_reason", "Family matters")
    page.click("#save-leave")
    page.wait_for_url("**/staff/leave/*/")
    leave = LeaveRequest.objects.get(user=team.collector)
    assert leave.status == LeaveRequest.Status.REQUESTED
    assert "Waiting for approval" in page.inner_text("#leave-status")

    supervisor_context = browser.new_context(base_url=live_server.url, locale="en-US")
    supervisor_page = supervisor_context.new_page()
    browser_login(supervisor_page, team.supervisor.username)
    click_nav(supervisor_page, "nav-approvals")
    supervisor_page.wait_for_load_state()
    row = supervisor_page.locator("tr", has_text="Annual leave")
    row.get_by_role("button", name="Approve").click()
    supervisor_page.wait_for_load_state()
    supervisor_context.close()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.TAKEN  # approved, and its day has come
    assert leave.decided_by == team.supervisor

    page.reload()
    page.wait_for_load_state()
    assert "On leave" in page.inner_text("#leave-status")
    page.fill("#id_returned_on", today().isoformat())
    page.click("#record-return")
    page.wait_for_load_state()
    assert "Returned from leave" in page.inner_text("#leave-status")
    assert page.inner_text("#returned-on") == today().isoformat()
    leave.refresh_from_db()
    assert (leave.status, leave.returned_on) == (LeaveRequest.Status.RETURNED, today())
