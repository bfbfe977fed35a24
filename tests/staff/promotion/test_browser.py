"""One application's journey through every role, in a real browser (Playwright + Chromium):
collector → department head (send back) → collector (evidence) → department head → HR →
committee (votes, decision) → notice board (an appeal) → HR (dismisses) → appointment on
the effective date (the scheduled task, with the clock moved) → the collector's level."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from staff.models import Position, PromotionApplication
from staff.promotion import committee
from tests.conftest import browser_login, click_nav

from .conftest import STAND_IN

# serialized_rollback: the flush at the end empties the data migrations' tables (call
# outcomes, rule sets, criteria, role groups); Django puts their rows back afterwards.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = PromotionApplication.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        browser_login(page, user.username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def record(page, form_id: str, fields: dict, submit_id: str) -> None:
    for selector, value in fields.items():
        if selector.startswith("select:"):
            page.select_option(f"#{form_id} {selector[7:]}", value)
        else:
            page.fill(f"#{form_id} {selector}", value)
    page.click(f"#{submit_id}")
    page.wait_for_load_state()


def test_an_application_goes_through_every_role_to_appointment(people, cycle, as_user, tmp_path):
    STAND_IN.clear()
    applicant = people["applicant"]
    evidence = tmp_path / "award.pdf"
    evidence.write_bytes(PDF)

    # The collector: progress chart, apply.
    collector = as_user(applicant)
    click_nav(collector, "nav-promotion")
    collector.wait_for_load_state("load")
    assert collector.inner_text("#my-level") == "Junior collector"
    assert collector.locator("canvas[data-criterion-chart]").count() >= 3
    collector.click(f"#apply-{cycle.pk}")
    collector.fill("#id_capability_statement", "I settle the hard cases.")
    collector.fill("#id_attitude_statement", "On time, every time.")
    collector.click("#submit-application")
    collector.wait_for_url("**/promotion/applications/*/")
    assert collector.inner_text("#application-status") == "Department review"
    application = PromotionApplication.objects.get()
    url = f"/promotion/applications/{application.pk}/"

    # The department head asks for more evidence.
    head = as_user(people["head"])
    head.goto("/promotion/queue/")
    head.click(f"#queue-department a[href='{url}']")
    head.wait_for_load_state("load")
    assert head.locator("#compliance-record").is_visible()
    record(
        head,
        "department-form",
        {"select:#id_decision": "send_back", "#id_opinion": "Attach the commendation."},
        "department-submit",
    )
    assert head.inner_text("#application-status") == "Sent back for more evidence"

    # The collector adds the file.
    collector.goto(url)
    collector.set_input_files("#id_resubmit_files", str(evidence))
    collector.click("#resubmit-submit")
    collector.wait_for_load_state()
    assert "award.pdf" in collector.inner_text("#evidence")

    # The department head supports; HR recommends.
    head.goto(url)
    record(
        head,
        "department-form",
        {"select:#id_decision": "support", "#id_opinion": "Strong."},
        "department-submit",
    )
    hr = as_user(people["hr"])
    hr.goto(url)
    record(
        hr,
        "hr-form",
        {"select:#id_recommend": "yes", "#id_evaluation": "Meets the bar."},
        "hr-submit",
    )
    assert hr.inner_text("#application-status") == "Review committee"

    # Two members vote; the second records the decision.
    first = as_user(people["members"][0])
    first.goto(url)
    record(first, "vote-form", {"select:#id_choice": "for"}, "vote-submit")
    second = as_user(people["members"][1])
    second.goto(url)
    record(second, "vote-form", {"select:#id_choice": "for"}, "vote-submit")
    second.click("#decide-submit")
    second.wait_for_load_state()
    assert second.inner_text("#application-status") == "Public notice"

    # A colleague reads the notice board and appeals; HR dismisses the appeal.
    colleague = as_user(people["colleague"])
    colleague.goto("/promotion/notices/")
    colleague.click(f"#notices a[href='/promotion/notices/{application.pk}/']")
    colleague.fill("#id_grounds", "Some of those payments were mine.")
    colleague.click("#appeal-submit")
    colleague.wait_for_load_state()
    assert "sent to HR" in colleague.inner_text(".alert-success")
    hr.goto(url)
    hr.select_option("[data-appeal] select[name=uphold]", "no")
    hr.fill("[data-appeal] textarea[name=note]", "Checked: they were the applicant's.")
    hr.click("[data-appeal] button[type=submit]")
    hr.wait_for_load_state()
    assert "Dismissed" in hr.inner_text("[data-appeal]")

    # The scheduled task on the effective date; the collector sees the new level.
    application.refresh_from_db()
    effective = dt.datetime.combine(
        application.effective_on, dt.time(0, 10), timezone.get_default_timezone()
    )
    with time_machine.travel(effective, tick=False):
        assert committee.appoint_due() == 1
    collector.goto("/promotion/")
    assert collector.inner_text("#my-level") == Position.MID_COLLECTOR.label
    assert "Appointment after a promotion review" in collector.inner_text("#level-history")
    stages = collector.goto(url) and collector.inner_text("#stages")
    assert "Appointed" in stages and "Appeal dismissed" in stages
