"""In a real browser: a field collector on a phone-sized screen (390 px) opens the day's
visit list, submits a plan, and files a visit report with its recording; a supervisor
approves a collection-period extension."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.audio import tone_wav
from cases.models import CollectionPeriodExtension, VisitPlan, VisitReport
from cases.services import procedures as procedure_services
from collections_office.workdays import company_today
from tests.conftest import browser_login

from .conftest import case_for, decide, nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "visit-recording.wav"
    path.write_bytes(tone_wav(seconds=1.0))
    return path


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_field_collector_on_a_phone_plans_the_day_and_files_a_report_with_audio(
    page, agreement_a, phone_a, field_a, supervisor_a, recording
):
    first = nominate(case_for(agreement_a, phone_a, account_no="VISIT-ONE"), phone_a, field_a)
    second = nominate(case_for(agreement_a, phone_a, account_no="VISIT-TWO"), phone_a, field_a)
    page.set_viewport_size(PHONE)

    browser_login(page, field_a.username)
    page.click("#open-visit-list")
    page.wait_for_load_state("load")
    cards = page.locator("#visit-list [data-visit]")
    expect(cards).to_have_count(2)
    expect(page.locator("#visit-list")).to_contain_text("VISIT-ONE")
    assert fits_the_screen(page)

    page.click("#plan-create")
    page.wait_for_load_state("load")
    page.check(f"#stop-{second.pk}")
    page.check(f"#stop-{first.pk}")
    page.fill(f"#order-{second.pk}", "1")
    page.fill(f"#order-{first.pk}", "2")
    assert fits_the_screen(page)
    page.click("#plan-submit")
    page.wait_for_url("**/visits/plans/*/")
    expect(page.locator("#plan-status")).to_have_text("Waiting for approval")
    expect(page.locator("#plan-route li").first).to_contain_text("VISIT-TWO")
    plan = VisitPlan.objects.get()
    assert [s.nomination_id for s in plan.stops.order_by("position")] == [second.pk, first.pk]

    decide(plan, by=supervisor_a)  # the supervisor approves (their own browser test is below)

    page.goto(f"/cases/visits/{second.pk}/")
    page.click("#report-create")
    page.wait_for_load_state("load")
    page.fill("#report-place", "At the debtor's door")
    page.select_option("#report-met", "debtor")
    page.select_option("#report-outcome", "promised")
    page.fill("#report-notes", "Will pay 2,000 on Friday")
    page.set_input_files("#report-recording", str(recording))
    assert fits_the_screen(page)
    page.click("#report-submit")
    page.wait_for_url("**/visits/reports/*/")
    expect(page.locator("#report-status")).to_have_text("Waiting for review")
    expect(page.locator("#report-audio")).to_be_visible()
    report = VisitReport.objects.get()
    assert report.nomination_id == second.pk
    assert report.recording_size > 1000 and len(report.recording_sha256) == 64


def test_a_report_without_audio_shows_the_message_on_the_recording_field(
    page, agreement_a, phone_a, field_a, supervisor_a
):
    nomination = nominate(case_for(agreement_a, phone_a), phone_a, field_a)
    decide(
        procedure_services_plan(field_a, nomination),
        by=supervisor_a,
    )
    page.set_viewport_size(PHONE)
    browser_login(page, field_a.username)
    page.goto(f"/cases/visits/{nomination.pk}/report/")
    page.fill("#report-place", "Door")
    page.click("#report-submit")
    page.wait_for_load_state("load")
    expect(page.locator('[data-field-error="recording"]')).to_contain_text("required")
    assert not VisitReport.objects.exists()


def procedure_services_plan(field_collector, nomination):
    from cases.services.visits import visit_plan_submit

    return visit_plan_submit(
        actor=field_collector, visit_date=company_today(), nomination_ids=[nomination.pk]
    )


def test_supervisor_approves_a_period_extension(page, agreement_a, phone_a, supervisor_a):
    case = case_for(agreement_a, phone_a, account_no="EXTEND-ME")
    extension = procedure_services.period_extension_request(
        case=case,
        actor=phone_a,
        new_ends_on=procedure_services.period_end(case) + timezone.timedelta(days=30),
        reason="Paying in instalments",
        next_steps="Weekly calls",
    )
    browser_login(page, supervisor_a.username)
    page.goto("/staff/approvals/?show=waiting")
    page.wait_for_load_state("load")
    row = page.locator("#approval-table tr[data-approval]", has_text="EXTEND-ME")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Collection period extension")
    row.get_by_role("button", name="Approve").click()
    page.wait_for_load_state("load")
    expect(page.locator("#approval-table tr[data-approval]", has_text="EXTEND-ME")).to_have_count(0)
    extension.refresh_from_db()
    assert extension.status == CollectionPeriodExtension.Status.APPROVED
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#period-ends-on")).to_have_text(extension.new_ends_on.isoformat())
