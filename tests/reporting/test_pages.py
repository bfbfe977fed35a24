"""Report pages: who reads which rows, downloads, running by hand, schedules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import ReportResult, ReportRun, ReportSchedule
from staff import roles
from tests.factories import hq_branch, make_staff
from tests.landing import landing_html

from .conftest import WEEK

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(week_world):
    run = services.run_request(
        kind="collector_weekly", period_start=WEEK[0], period_end=WEEK[1], trigger="manual"
    )
    services.run_execute(run.pk)
    return ReportResult.objects.get()


def _names(response) -> set[str]:
    return {row["cells"][0] for row in response.context["table"]}


def test_each_reader_sees_the_rows_of_their_scope(client, week_world, result):
    a1, a2, b1 = (week_world[name] for name in ("a1", "a2", "b1"))
    url = reverse("reporting:result", args=[result.pk])
    supervisor_a = make_staff(roles.SUPERVISOR, branch=week_world["branch_a"])
    client.force_login(supervisor_a)
    assert _names(client.get(url)) == {a1.staff_profile.display_name, a2.staff_profile.display_name}
    client.force_login(a1)
    assert _names(client.get(url)) == {a1.staff_profile.display_name}
    client.force_login(make_staff(roles.SUPERVISOR, branch=hq_branch()))
    assert b1.staff_profile.display_name in _names(client.get(url))
    client.force_login(make_staff(roles.FRONT_DESK, branch=week_world["branch_a"]))
    assert client.get(url).status_code == 403


def test_downloads_hold_only_the_readers_rows_and_escape_formulas(client, week_world, result):
    # A name that a spreadsheet would run as a formula.
    rows = result.rows
    for row in rows:
        if row["collector_id"] == week_world["a1"].pk:
            row["team"] = '=HYPERLINK("http://x")'
    ReportResult.objects.filter(pk=result.pk).update(rows=rows)
    client.force_login(make_staff(roles.SUPERVISOR, branch=week_world["branch_a"]))
    response = client.get(reverse("reporting:result", args=[result.pk]) + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Cache-Control"] == "private, no-store"
    assert len(text.strip().splitlines()) == 1 + 2  # header + branch A's two collectors
    assert "'=HYPERLINK" in text
    assert week_world["b1"].staff_profile.display_name not in text
    xlsx = client.get(reverse("reporting:result", args=[result.pk]) + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_sorting_by_a_figure(client, week_world, result):
    client.force_login(make_staff(roles.SUPERVISOR, branch=hq_branch()))
    response = client.get(reverse("reporting:result", args=[result.pk]) + "?sort=-calls")
    calls_column = [c.key for c in response.context["columns"]].index("calls")
    figures = [row["cells"][calls_column] for row in response.context["table"]]
    assert figures == sorted(figures, reverse=True) and figures[0] == 3


def test_admin_staff_run_a_report_by_hand_and_see_bad_dates_named(
    client, week_world, django_capture_on_commit_callbacks
):
    admin = make_staff(roles.ADMIN_STAFF, branch=hq_branch())
    client.force_login(admin)
    bad = client.post(
        reverse("reporting:run_start"),
        {"kind": "collector_weekly", "period_start": "2026-11-22", "period_end": "2026-11-16"},
    )
    assert bad.status_code == 200
    assert "The period ends before it starts." in bad.content.decode()
    assert not ReportRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        ok = client.post(
            reverse("reporting:run_start"),
            {"kind": "collector_weekly", "period_start": "2026-11-16", "period_end": "2026-11-22"},
        )
    assert ok.status_code == 302
    run = ReportRun.objects.get()
    assert run.trigger == "manual" and run.requested_by == admin
    page = client.get(reverse("reporting:runs"))
    assert page.status_code == 200 and f'data-run="{run.pk}"'.encode() in page.content


def test_failed_runs_show_on_the_admin_dashboard(client, week_world):
    run = services.run_request(
        kind="collector_weekly", period_start=WEEK[0], period_end=WEEK[1], trigger="manual"
    )
    ReportRun.objects.filter(pk=run.pk).update(
        status="failed", error="OperationalError: gone", finished_at=run.queued_at
    )
    client.force_login(make_staff(roles.ADMIN_STAFF, branch=hq_branch()))
    page = landing_html(client)
    assert "Report runs that failed" in page and "OperationalError: gone" in page
    # A later successful run of the same report clears it.
    again = services.run_request(
        kind="collector_weekly", period_start=WEEK[0], period_end=WEEK[1], trigger="manual"
    )
    services.run_execute(again.pk)
    assert "Report runs that failed" not in landing_html(client)


def test_schedules_are_edited_by_hq_admin_staff_with_fields_checked(client):
    schedule = ReportSchedule.objects.get(key="collector-weekly")
    url = reverse("reporting:schedule_edit", args=[schedule.pk])
    client.force_login(make_staff(roles.ADMIN_STAFF, branch=hq_branch()))
    bad = client.post(
        url, {"minute": "0", "hour": "25", "day_of_week": "1", "day_of_month": "*", "enabled": "on"}
    )
    assert bad.status_code == 200 and "outside 0–23" in bad.content.decode()
    schedule.refresh_from_db()
    assert schedule.hour == "6"
    history_before = schedule.history.count()
    client.post(
        url, {"minute": "30", "hour": "7", "day_of_week": "1", "day_of_month": "*", "enabled": "on"}
    )
    schedule.refresh_from_db()
    assert (schedule.minute, schedule.hour) == ("30", "7")
    assert schedule.history.count() == history_before + 1
    assert schedule.history.first().hour == "7"
    # A branch's admin staff read the schedules but do not change them.
    from tests.factories import BranchFactory

    client.force_login(make_staff(roles.ADMIN_STAFF, branch=BranchFactory()))
    client.post(url, {"minute": "0", "hour": "1", "day_of_week": "*", "day_of_month": "*"})
    schedule.refresh_from_db()
    assert schedule.hour == "7"
