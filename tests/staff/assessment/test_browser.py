"""In a real browser, with a real Celery worker: HQ HR sets the year's weights (a wrong sum
is refused on the page), runs the annual assessment, finalises it, sees the distribution
chart and downloads the CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from staff import roles
from staff.models import Assessment, AssessmentRound, AssessmentSection, Position
from tests.factories import BranchFactory, hq_branch, make_staff

from .helpers import score_all

# serialized_rollback: the data migrations' rows (call outcomes, defaults) survive the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def fake_figures_function():
    """The worker computes with the case side's own figures function (not the stand-in)."""
    return None


def test_hr_sets_weights_runs_the_annual_assessment_and_downloads_the_results(
    page, celery_worker_process
):
    from tests.conftest import browser_login, click_nav, wait_for

    hr = make_staff(roles.HR, branch=hq_branch(), username="hq-hr")
    branch = BranchFactory(code="SH", name="Shanghai")
    people = {
        name: make_staff(
            roles.PHONE_COLLECTOR, branch=branch, username=name, position=Position.MID_COLLECTOR
        )
        for name in ("alpha", "bravo", "charlie")
    }
    browser_login(page, hr.username)

    click_nav(page, "nav-assessments")
    page.wait_for_url("**/staff/assessments/")
    page.select_option("#id_kind", "annual_collector")
    page.fill("#id_year", "2025")
    page.click("#template-create")
    page.wait_for_url("**/staff/assessments/templates/*/")
    sections = {s.name: s.pk for s in AssessmentSection.objects.all()}

    page.fill(f"#id_section_{sections['Performance']}", "50")
    page.click("#weights-save")
    page.wait_for_load_state("load")
    assert "add up to 90%" in page.locator("#form-errors").inner_text()
    page.fill(f"#id_section_{sections['Capability']}", "35")
    page.click("#weights-save")
    page.wait_for_load_state("load")
    assert "Weights saved" in page.locator(".alert-success").inner_text()
    assert AssessmentSection.objects.get(name="Capability").weight == 35

    page.select_option("#id_period", "year")
    page.click("#round-create")
    page.wait_for_url("**/staff/assessments/rounds/*/")
    page.click("#round-run")
    page.wait_for_load_state("load")
    round_ = AssessmentRound.objects.get()
    wait_for(
        lambda: AssessmentRound.objects.get(pk=round_.pk).run_status == "done",
        timeout=60,
        message="the worker did not compute the round",
    )
    # The page's progress card follows the worker without a reload.
    page.locator("#round-run-status", has_text="Computed").wait_for()

    score_all(
        round_,
        hr,
        {
            people["alpha"].pk: {"Capability": 4, "Attitude": 5},
            people["bravo"].pk: {"Capability": 3, "Attitude": 3},
            people["charlie"].pk: {"Capability": 5, "Attitude": 5},
        },
    )
    page.reload()
    page.wait_for_load_state("load")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#round-finalise")
    page.wait_for_load_state("load")
    assert page.locator("#round-finalised").is_visible()
    chart = page.locator("#distribution-chart")
    chart.wait_for()
    assert chart.get_attribute("data-drawn") == "1"  # Chart.js drew it
    assert Assessment.objects.filter(round=round_, status="finalised").count() == 3

    with page.expect_download() as download:
        page.click("#export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {row[0]: row for row in list(csv.reader(io.StringIO(text)))[1:]}
    number = {name: person.staff_profile.employee_number for name, person in people.items()}
    totals = {name: rows[number[name]][4] for name in people}
    # Nobody collected or worked a case: amount 0 and success rate 0 (weights 17 and 16.5
    # of the total); no monthly target, so task completion is not yet available and left
    # out: alpha (35·80 + 15·100) / 83.5 = 51.50; bravo 3000 / 83.5; charlie 5000 / 83.5
    assert totals == {"alpha": "51.50", "bravo": "35.93", "charlie": "59.88"}
    assert rows[number["charlie"]][6] == "1"  # rank in the company
