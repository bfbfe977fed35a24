"""HR moves a candidate from application to hire in a real browser (Playwright + Chromium)."""

from __future__ import annotations

import pytest

from staff import roles
from staff.models import Candidate, Position, StaffProfile
from staff.recruitment import services as recruitment
from tests.conftest import browser_login

from .conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_takes_a_candidate_from_application_to_hire(page, org, tmp_path):
    vacancy = recruitment.vacancy_open(
        actor=org.hr,
        branch=org.branch,
        title="Phone collector",
        role=roles.PHONE_COLLECTOR,
        level=Position.JUNIOR_COLLECTOR,
        department=org.collections,
    )
    cv = tmp_path / "chen-xiao.pdf"
    cv.write_bytes(PDF_BYTES)
    browser_login(page, org.hr.username)

    page.goto("/staff/recruitment/")
    page.click(f"text={vacancy.title}")
    page.click("#add-candidate")
    page.fill("#id_name", "Chen Xiao")
    page.fill("#id_phone", "+8613800001111")
    page.select_option("#id_source", "job_site")
    page.set_input_files("#id_cv", str(cv))
    page.click("#save-candidate")
    page.wait_for_url("**/staff/recruitment/candidates/*/")
    assert page.inner_text("#candidate-stage") == "Applied"

    page.click("#screen-pass")
    page.wait_for_load_state("load")
    assert page.inner_text("#candidate-stage") == "Passed screening"

    for kind in ("hr", "department_head", "leadership"):
        page.select_option("#id_kind", kind)
        page.select_option("#id_interviewer", str(org.hr.pk))
        page.click("#schedule-interview")
        page.wait_for_load_state("load")
        page.click(f"#score-{kind}")
        page.fill("#id_score", "8")
        page.fill("#id_notes", "Calm and clear.")
        page.click("#save-score")
        page.wait_for_url("**/staff/recruitment/candidates/*/")
    assert page.inner_text("#candidate-stage") == "Interviewing"

    page.click("#background-start")
    page.wait_for_load_state("load")
    page.click("#background-pass")
    page.wait_for_load_state("load")
    assert page.inner_text("#candidate-stage") == "Offer decision"

    page.click("#hire")
    page.fill("#id_username", "chen.xiao")
    page.fill("#id_employee_number", "N0001")
    page.fill("#id_hire_date", "2026-12-01")
    page.click("#confirm-hire")
    page.wait_for_url("**/staff/recruitment/candidates/*/")
    assert page.inner_text("#candidate-stage") == "Hired"
    assert "enrolled in onboarding" in page.inner_text(".alert-success")

    candidate = Candidate.objects.get()
    profile = StaffProfile.objects.get(employee_number="N0001")
    assert candidate.hired_profile == profile
    assert profile.training_enrolments.filter(plan__is_onboarding=True).exists()
