"""Starting a call (the "Call" button of a number): the rules are checked before dialling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from cases.compliance.checks import ComplianceRefused, evaluate_contact
from cases.models import (
    CallLog,
    CaseHold,
    ComplianceOverride,
    ComplianceRefusal,
    ContactPoint,
    Party,
)
from cases.services.call_start import call_start
from cases.services.calls import call_attach_recording, call_log

from .conftest import assigned_case, shanghai, wav_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def afternoon(clock):
    clock(shanghai(2026, 3, 10, 15, 0))


def log_started(case, collector, started, outcomes, code="contacted", **fields):
    values = {
        "case": case,
        "actor": collector,
        "party": Party.DEBTOR,
        "started_at": None,  # taken from the started call
        "duration_seconds": 60,
        "outcome": outcomes(code),
        "recording": wav_upload(),
        "started_call": started.pk,
    }
    values.update(fields)
    return call_log(**values)


# --- The service ---------------------------------------------------------------------------


def test_an_allowed_dial_then_logged_is_one_attempt(
    case_a, collector_a, phone_a, outcome, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    assert started.status == CallLog.Status.STARTED and started.outcome is None
    assert started.party == Party.DEBTOR

    call = log_started(case_a, collector_a, started, outcome)

    assert call.pk == started.pk and CallLog.objects.count() == 1
    call.refresh_from_db()
    assert call.status == CallLog.Status.COMPLETED and call.outcome.code == "contacted"
    assert call.started_at == started.started_at and call.contact_point_id == phone_a.pk
    # The history of the one row: dialled, then logged.
    assert [h.history_change_reason for h in call.history.order_by("history_id")] == [
        "Dialled",
        "Logged",
    ]
    case_a.refresh_from_db()
    assert case_a.last_call_at == started.started_at


def test_a_started_call_counts_as_one_unanswered_attempt_until_it_is_logged(
    case_a, collector_a, phone_a, outcome, afternoon
):
    """6 unanswered a number a day (China 2026): 5 logged + 1 dialled → the 7th is refused."""
    for minute in range(5):
        call_log(
            case=case_a,
            actor=collector_a,
            contact_point=phone_a,
            party=Party.NOBODY,
            started_at=shanghai(2026, 3, 10, 9, minute),
            duration_seconds=0,
            outcome=outcome("no_answer"),
            complete=False,
        )
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    decision = evaluate_contact(
        case=case_a, contact_point=phone_a, party=Party.DEBTOR, at=shanghai(2026, 3, 10, 15, 5)
    )
    assert [v.rule for v in decision.violations] == ["unanswered_per_number_per_day"]
    # Logged as unanswered: still 6 attempts, not 7.
    log_started(case_a, collector_a, started, outcome, party=Party.NOBODY, code="no_answer")
    decision = evaluate_contact(
        case=case_a, contact_point=phone_a, party=Party.DEBTOR, at=shanghai(2026, 3, 10, 15, 5)
    )
    assert decision.violations[0].params["count"] == 6


def test_a_dial_outside_the_window_is_refused_with_the_rule_and_recorded(
    case_a, collector_a, phone_a, clock
):
    clock(shanghai(2026, 3, 10, 22, 14))
    with pytest.raises(ComplianceRefused) as refused:
        call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    assert "22:14 is outside the contact window 08:00–22:00" in refused.value.messages[0]
    assert not CallLog.objects.exists()
    refusal = ComplianceRefusal.objects.get()
    assert refusal.rules == ["contact_window"] and refusal.contact_point_id == phone_a.pk
    assert refused.value.refusal == refusal


def test_a_hold_blocks_dialling(case_a, collector_a, phone_a, supervisor_a, afternoon):
    CaseHold.objects.create(
        case=case_a,
        kind=CaseHold.Kind.CEASE_CONTACT,
        reason="Asked in writing",
        placed_by=supervisor_a,
        placed_at=shanghai(2026, 3, 9, 10, 0),
    )
    with pytest.raises(ComplianceRefused) as refused:
        call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    assert refused.value.rules == ["hold"]
    assert not CallLog.objects.exists()


def test_a_supervisors_override_lets_the_dial_through_and_is_spent(
    case_a, collector_a, phone_a, supervisor_a, clock, outcome
):
    clock(shanghai(2026, 3, 10, 22, 14))
    override = ComplianceOverride.objects.create(
        case=case_a,
        collector=collector_a,
        granted_by=supervisor_a,
        channel="call",
        rules=["contact_window"],
        reason="The debtor asked to be called after work",
        granted_at=shanghai(2026, 3, 10, 22, 0),
        valid_until=shanghai(2026, 3, 10, 23, 0),
    )
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    override.refresh_from_db()
    assert started.compliance_override_id == override.pk and override.used_at is not None
    # Logging the dialled call is not judged again (the override is spent already).
    call = log_started(case_a, collector_a, started, outcome)
    assert call.status == CallLog.Status.COMPLETED and call.compliance_override_id == override.pk


def test_a_relatives_number_is_judged_as_a_third_party_contact(
    case_a, collector_a, relative_phone_a, afternoon
):
    with pytest.raises(ComplianceRefused) as refused:
        call_start(case=case_a, actor=collector_a, contact_point=relative_phone_a)
    assert refused.value.rules == ["third_party_before_unreachable"]


def test_a_second_dial_waits_for_the_first_to_be_logged(
    case_a, collector_a, phone_a, outcome, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    with pytest.raises(ValidationError) as error:
        call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    assert "first" in error.value.message_dict["contact_point"][0]
    log_started(case_a, collector_a, started, outcome)
    assert call_start(case=case_a, actor=collector_a, contact_point=phone_a).pk != started.pk


def test_a_started_call_is_logged_once(case_a, collector_a, phone_a, outcome, afternoon):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    log_started(case_a, collector_a, started, outcome)
    with pytest.raises(ValidationError) as error:
        log_started(case_a, collector_a, started, outcome)
    assert "already logged" in error.value.message_dict["started_call"][0]
    assert CallLog.objects.count() == 1


def test_a_started_call_takes_no_recording_before_it_is_logged(
    case_a, collector_a, phone_a, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    with pytest.raises(ValidationError, match="not logged yet"):
        call_attach_recording(call=started, actor=collector_a, recording=wav_upload())


def test_another_collectors_started_call_is_not_theirs_to_log(
    agreement_a, case_a, collector_a, collector_a2, phone_a, outcome, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    other = assigned_case(agreement_a, collector_a2)
    with pytest.raises(Http404):
        log_started(other, collector_a2, started, outcome)


def test_an_invalid_number_or_another_debtors_number_is_refused(
    agreement_a, case_a, collector_a, collector_a2, phone_a, afternoon
):
    phone_a.is_valid = False
    phone_a.invalid_reason = "Empty number"
    phone_a.save()
    with pytest.raises(ValidationError):
        call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    foreign = assigned_case(agreement_a, collector_a2).debtor.contact_points.get()
    with pytest.raises(Http404):
        call_start(case=case_a, actor=collector_a, contact_point=foreign)


# --- The page --------------------------------------------------------------------------------


def test_the_case_page_has_a_call_button_per_valid_phone(client, case_a, collector_a, phone_a):
    client.force_login(collector_a)
    html = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert f'id="call-start-{phone_a.pk}"' in html


def test_a_refused_dial_shows_the_rule_on_the_page(client, case_a, collector_a, phone_a, clock):
    clock(shanghai(2026, 3, 10, 22, 14))
    client.force_login(collector_a)
    response = client.post(f"/cases/{case_a.pk}/calls/start/", {"contact_point": phone_a.pk})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-refused="dial"' in html
    assert "22:14 is outside the contact window 08:00–22:00" in html
    assert not CallLog.objects.exists() and ComplianceRefusal.objects.count() == 1


def test_a_supervisor_is_offered_the_override_for_a_refused_dial(
    client, case_a, supervisor_a, phone_a, clock
):
    clock(shanghai(2026, 3, 10, 22, 14))
    client.force_login(supervisor_a)
    response = client.post(f"/cases/{case_a.pk}/calls/start/", {"contact_point": phone_a.pk})
    assert response.status_code == 409
    refusal = ComplianceRefusal.objects.get()
    assert f"/compliance/refusals/{refusal.pk}/override/" in response.content.decode()


def test_an_allowed_dial_opens_the_form_to_log_it_and_the_log_completes_it(
    client, case_a, collector_a, phone_a, outcome, afternoon
):
    client.force_login(collector_a)
    response = client.post(f"/cases/{case_a.pk}/calls/start/", {"contact_point": phone_a.pk})
    assert response.status_code == 302
    started = CallLog.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert 'id="call-started"' in html and f'name="started_call" value="{started.pk}"' in html

    response = client.post(
        f"/cases/{case_a.pk}/calls/new/",
        {
            "started_call": str(started.pk),
            "party": "debtor",
            "duration_seconds": "40",
            "outcome": str(outcome("contacted").pk),
            "action": "complete",
            "recording": wav_upload(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call = CallLog.objects.get()
    assert call.pk == started.pk and call.status == CallLog.Status.COMPLETED
    assert call.duration_seconds == 40


def test_another_collectors_case_is_404_for_the_dial(
    client, agreement_a, collector_a, collector_a2, afternoon
):
    other = assigned_case(agreement_a, collector_a2)
    point = other.debtor.contact_points.get()
    client.force_login(collector_a)
    response = client.post(f"/cases/{other.pk}/calls/start/", {"contact_point": point.pk})
    assert response.status_code == 404
    assert not CallLog.objects.exists()


def test_a_dial_without_a_number_says_so(client, case_a, collector_a, afternoon):
    client.force_login(collector_a)
    response = client.post(f"/cases/{case_a.pk}/calls/start/", {"contact_point": "x"}, follow=True)
    assert "Choose the number to call." in response.content.decode()
    assert not CallLog.objects.exists()


def test_the_timeline_tells_a_dialled_call(case_a, collector_a, phone_a, afternoon):
    from cases.timeline import case_timeline

    call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    titles = [entry.title for entry in case_timeline(case_a, user=collector_a).entries]
    assert any("dialled, not logged yet" in title for title in titles)


def test_started_at_is_the_dial_time_not_the_forms(
    case_a, collector_a, phone_a, outcome, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    call = log_started(
        case_a, collector_a, started, outcome, started_at=shanghai(2026, 3, 10, 9, 0)
    )
    assert call.started_at == started.started_at != shanghai(2026, 3, 10, 9, 0)
    assert started.started_at - shanghai(2026, 3, 10, 15, 0) < dt.timedelta(minutes=1)


def test_a_number_marked_invalid_after_the_dial_does_not_stop_the_log(
    case_a, collector_a, phone_a, outcome, afternoon
):
    started = call_start(case=case_a, actor=collector_a, contact_point=phone_a)
    ContactPoint.objects.filter(pk=phone_a.pk).update(is_valid=False, invalid_reason="wrong")
    call = log_started(
        case_a, collector_a, started, outcome, code="wrong_number", party=Party.OTHER
    )
    assert call.status == CallLog.Status.COMPLETED
