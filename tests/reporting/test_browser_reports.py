"""In a real browser: a supervisor opens last week's report, drills into a collector's
cases and downloads them as XLSX (the file holds the rows the page showed)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.models import Case
from reporting import services
from reporting.models import ReportResult
from staff import roles
from tests.conftest import browser_login
from tests.factories import make_staff

from .conftest import WEEK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_opens_the_weekly_report_drills_into_a_collector_and_downloads(page, week_world):
    make_staff(roles.SUPERVISOR, branch=week_world["branch_a"], username="sup.a")
    run = services.run_request(
        kind="collector_weekly", period_start=WEEK[0], period_end=WEEK[1], trigger="manual"
    )
    services.run_execute(run.pk)
    result = ReportResult.objects.get()
    a1 = week_world["a1"]
    case = Case.objects.get(assigned_to=a1, status=Case.Status.IN_PROGRESS)

    browser_login(page, "sup.a")
    page.goto("/reports/")
    page.click(f'#report-results tr[data-result="{result.pk}"] a')
    table = page.locator("#result-table")
    expect(table).to_contain_text(a1.staff_profile.display_name)
    expect(table).not_to_contain_text(week_world["b1"].staff_profile.display_name)
    chart = page.locator("canvas[data-chart]")
    chart.wait_for()

    page.click(f'#result-table a.drill-link:text-is("{a1.staff_profile.display_name}")')
    expect(page.locator("#collector-name")).to_contain_text(a1.staff_profile.display_name)
    expect(page.locator("#period-shown")).to_contain_text(f"{WEEK[0]:%Y-%m-%d}")
    expect(page.locator('[data-figure="calls"]')).to_have_text("3")
    expect(page.locator(f'#case-table tr[data-case="{case.pk}"]')).to_contain_text(case.account_no)

    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Account number", "Bank", "Status", "Calls"]
    assert len(rows) == 2
    assert rows[1][0] == case.account_no and rows[1][3] == 3 and rows[1][4] == 1

    # Another period on the same page: a week with nothing is a page of zeros.
    page.fill("#id_period_start", "2025-03-03")
    page.fill("#id_period_end", "2025-03-09")
    page.click("#period-show")
    expect(page.locator('[data-figure="calls"]')).to_have_text("0")
    # And a period in the future is refused on the field.
    later = dt.date.today() + dt.timedelta(days=30)
    page.fill("#id_period_start", f"{later:%Y-%m-%d}")
    page.fill("#id_period_end", f"{later:%Y-%m-%d}")
    page.click("#period-show")
    expect(page.locator('.invalid-feedback[data-field="period_start"]')).to_be_visible()
