"""Closing a promotion cycle early: HQ HR, with a reason, in the cycle's history; no new
application afterwards; applications already submitted carry on through the chain."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from staff.models import PromotionApplication, PromotionCycle
from staff.promotion.services import department_review
from staff.promotion.setup import cycle_close

from .conftest import submit

pytestmark = pytest.mark.django_db
Status = PromotionApplication.Status


def test_hq_hr_closes_early_with_a_reason_kept_in_the_history(people, cycle):
    closed = cycle_close(actor=people["hq_hr"], cycle=cycle, reason="Budget frozen for 2025.")
    cycle.refresh_from_db()
    assert cycle.status == PromotionCycle.Status.CLOSED
    assert (cycle.closed_by, cycle.close_reason) == (people["hq_hr"], "Budget frozen for 2025.")
    assert cycle.closed_at is not None and closed.pk == cycle.pk
    latest = cycle.history.order_by("-history_id").first()
    assert latest.status == "closed"
    assert latest.history_user == people["hq_hr"]
    assert latest.history_change_reason == "Budget frozen for 2025."
    assert latest.close_reason == "Budget frozen for 2025."


def test_no_new_application_after_closing(people, cycle):
    cycle_close(actor=people["hq_hr"], cycle=cycle, reason="Reorganisation.")
    with pytest.raises(ValidationError, match="not open for applications"):
        submit(cycle, people["applicant"])
    assert not PromotionApplication.objects.filter(cycle=cycle).exists()


def test_an_application_in_flight_carries_on_to_its_decision(people, cycle):
    application = submit(cycle, people["applicant"])
    cycle_close(actor=people["hq_hr"], cycle=cycle, reason="Reorganisation.")
    moved = department_review(
        application=application, actor=people["head"], decision="support", opinion="Strong year."
    )
    assert moved.status == Status.HR_REVIEW


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason_and_writes_nothing_without_one(people, cycle, reason):
    with pytest.raises(ValidationError) as refused:
        cycle_close(actor=people["hq_hr"], cycle=cycle, reason=reason)
    assert "reason" in refused.value.message_dict
    cycle.refresh_from_db()
    assert (cycle.status, cycle.closed_at, cycle.close_reason) == ("open", None, "")
    assert cycle.history.count() == 1  # the opening only


def test_branch_hr_does_not_close_the_company_s_cycle(people, cycle):
    with pytest.raises(ValidationError, match="Only HR of headquarters"):
        cycle_close(actor=people["hr"], cycle=cycle, reason="Mine to close?")
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_closing_twice_is_refused(people, cycle):
    cycle_close(actor=people["hq_hr"], cycle=cycle, reason="First.")
    with pytest.raises(ValidationError, match="already closed"):
        cycle_close(actor=people["hq_hr"], cycle=cycle, reason="Second.")
    cycle.refresh_from_db()
    assert cycle.close_reason == "First."


def test_the_cycles_page_closes_a_cycle_and_shows_who_and_why(client, people, cycle):
    submit(cycle, people["applicant"])
    client.force_login(people["hq_hr"])
    body = client.get(reverse("promotion:cycles")).content.decode()
    assert f'id="cycle-{cycle.pk}-close-form"' in body
    assert "1 application in progress carries on" in body
    response = client.post(
        reverse("promotion:cycle_close", args=[cycle.pk]), {"reason": "Merger with branch B."}
    )
    assert response.status_code == 302
    body = client.get(reverse("promotion:cycles")).content.decode()
    assert "Merger with branch B." in body
    assert f'id="cycle-{cycle.pk}-close-form"' not in body
    assert "1 in progress carry on" in body  # the message after closing
    cycle.refresh_from_db()
    assert cycle.status == "closed"


def test_the_page_refuses_an_empty_reason_with_a_message(client, people, cycle):
    client.force_login(people["hq_hr"])
    response = client.post(
        reverse("promotion:cycle_close", args=[cycle.pk]), {"reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert "Say why the cycle is closed early." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_branch_hr_gets_no_button_and_a_403(client, people, cycle):
    client.force_login(people["hr"])
    body = client.get(reverse("promotion:cycles")).content.decode()
    assert f'id="cycle-{cycle.pk}-close-form"' not in body
    response = client.post(reverse("promotion:cycle_close", args=[cycle.pk]), {"reason": "x"})
    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == "open"
