"""The compliance check at log time: each rule through the call-log service, overrides, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.compliance.checks import (
    ComplianceRefused,
    attempt_history,
    case_state,
    contact_check,
    rule_set_for_case,
)
from cases.models import (
    CallLog,
    Case,
    CaseHold,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceRuleSet,
)
from cases.services.calls import call_log

from .conftest import shanghai, wav_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_evening(clock):
    """The clock at 23:30 Shanghai time: every call of the day can be logged."""
    clock(shanghai(2026, 3, 10, 23, 30))


@pytest.fixture
def log(outcome, late_evening):
    def log_call(case, actor, started_at, **fields):
        fields.setdefault("party", "debtor")
        fields.setdefault("duration_seconds", 30)
        fields.setdefault("outcome", outcome("contacted"))
        fields.setdefault(
            "contact_point", case.debtor.contact_points.filter(relation="debtor").first()
        )
        fields.setdefault("recording", wav_upload())
        return call_log(case=case, actor=actor, started_at=started_at, **fields)

    return log_call


# --- The adapter ---------------------------------------------------------------------------


def test_the_company_rule_set_applies_unless_the_agreement_picks_another(case_a):
    assert rule_set_for_case(case_a).code == "cn-2026"
    case_a.agreement.compliance_rule_set = ComplianceRuleSet.objects.get(code="us-reg-f")
    case_a.agreement.save()
    rule_set = rule_set_for_case(Case.objects.get(pk=case_a.pk))
    assert rule_set.code == "us-reg-f"
    assert rule_set.channels["call"].window_end == dt.time(21, 0)


def test_the_rule_set_is_loaded_once_per_case(case_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        rule_set_for_case(case_a)
        rule_set_for_case(case_a)


def test_the_history_is_one_query_however_many_calls(
    log, case_a, collector_a, outcome, relative_phone_a, django_assert_num_queries
):
    for minute in range(5):
        log(case_a, collector_a, shanghai(2026, 3, 10, 9, minute), outcome=outcome("no_answer"))
    log(case_a, collector_a, shanghai(2026, 3, 10, 10, 0))
    with django_assert_num_queries(1):
        attempts = attempt_history(case_a, since=shanghai(2026, 3, 4, 0, 0))
    assert len(attempts) == 6
    assert sum(a.conversation for a in attempts) == 1
    assert sum(not a.answered for a in attempts) == 5
    assert all(a.to_debtors_own_number for a in attempts)


def test_the_case_state_names_the_holds_in_force(case_a, supervisor_a):
    CaseHold.objects.create(
        case=case_a,
        kind="dispute",
        reason="says paid",
        placed_by=supervisor_a,
        placed_at=timezone.now(),
    )
    assert case_state(case_a).active_holds == ("dispute",)


# --- Each rule, through the service --------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(7, 59, False), (8, 0, True), (21, 59, True), (22, 0, False)],
)
def test_the_contact_window_in_the_debtors_time(log, case_a, collector_a, hour, minute, allowed):
    at = shanghai(2026, 3, 10, hour, minute)
    if allowed:
        assert log(case_a, collector_a, at).pk
        return
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, at)
    assert refused.value.rules == ["contact_window"]
    assert f"{hour:02d}:{minute:02d} is outside the contact window 08:00–22:00" in str(
        refused.value
    )
    assert not CallLog.objects.exists()


def test_the_us_window_is_read_in_the_debtors_own_zone(log, case_a, collector_a):
    case_a.agreement.compliance_rule_set = ComplianceRuleSet.objects.get(code="us-reg-f")
    case_a.agreement.save()
    case_a.debtor.time_zone = "America/Los_Angeles"
    case_a.debtor.save()
    case_a.refresh_from_db()
    # 22:00 in Shanghai is 07:00 in Los Angeles (PDT): too early there.
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 0))
    assert "07:00" in str(refused.value) and "America/Los_Angeles" in str(refused.value)


def test_the_seventh_unanswered_attempt_on_a_number_is_refused(log, case_a, collector_a, outcome):
    for minute in range(6):
        log(case_a, collector_a, shanghai(2026, 3, 10, 9, minute), outcome=outcome("no_answer"))
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, shanghai(2026, 3, 10, 9, 30), outcome=outcome("no_answer"))
    assert refused.value.rules == ["unanswered_per_number_per_day"]
    assert "6 unanswered attempts" in str(refused.value)
    assert CallLog.objects.count() == 6


def test_a_hold_blocks_every_call(log, case_a, collector_a, supervisor_a):
    CaseHold.objects.create(
        case=case_a,
        kind="cease_contact",
        reason="letter from lawyer",
        placed_by=supervisor_a,
        placed_at=timezone.now(),
    )
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, shanghai(2026, 3, 10, 10, 0))
    assert refused.value.rules == ["hold"]


def test_a_third_party_only_once_the_debtor_is_unreachable(
    log, case_a, collector_a, outcome, relative_phone_a
):
    at = shanghai(2026, 3, 10, 15, 0)
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, at, contact_point=relative_phone_a, party="relative")
    assert refused.value.rules == ["third_party_before_unreachable"]
    for minute in range(6):
        log(case_a, collector_a, shanghai(2026, 3, 10, 9, minute), outcome=outcome("no_answer"))
    call = log(case_a, collector_a, at, contact_point=relative_phone_a, party="relative")
    assert call.party == "relative"


# --- Refusals and overrides ----------------------------------------------------------------


def test_a_refusal_is_recorded_even_though_the_call_is_not(log, case_a, collector_a):
    with pytest.raises(ComplianceRefused) as refused:
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 14))
    refusal = ComplianceRefusal.objects.get()
    assert refused.value.refusal == refusal
    assert refusal.collector == collector_a and refusal.case_id == case_a.pk
    assert refusal.rules == ["contact_window"]
    assert "22:14 is outside the contact window 08:00–22:00" in refusal.message
    assert not CallLog.objects.exists()


def test_a_refused_new_number_is_not_added(log, case_a, collector_a):
    with pytest.raises(ComplianceRefused):
        log(
            case_a,
            collector_a,
            shanghai(2026, 3, 10, 23, 0),
            contact_point=None,
            new_number="13900003333",
        )
    assert case_a.debtor.contact_points.count() == 1
    assert ComplianceRefusal.objects.get().contact_point is None


def override_for(case, collector, supervisor, *, rules, minutes=60, **fields):
    now = timezone.now()
    return ComplianceOverride.objects.create(
        case=case,
        collector=collector,
        rules=rules,
        reason="debtor asked to be called late",
        granted_by=supervisor,
        granted_at=now,
        valid_until=now + dt.timedelta(minutes=minutes),
        **fields,
    )


def test_an_override_lets_one_call_through_and_is_spent(log, case_a, collector_a, supervisor_a):
    override = override_for(case_a, collector_a, supervisor_a, rules=["contact_window"])
    call = log(case_a, collector_a, shanghai(2026, 3, 10, 22, 10))
    override.refresh_from_db()
    assert call.compliance_override == override and override.used_at is not None
    assert not ComplianceRefusal.objects.exists()
    with pytest.raises(ComplianceRefused):
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 20))
    assert ComplianceRefusal.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"rules": ["hold"]},  # does not cover the window
        {"minutes": -5},  # expired
        {"used_at": "now"},  # already used
        {"for_other_collector": True},
    ],
)
def test_an_override_that_does_not_fit_changes_nothing(
    log, case_a, collector_a, collector_a2, supervisor_a, change
):
    fields = {
        "rules": change.get("rules", ["contact_window"]),
        "minutes": change.get("minutes", 60),
    }
    if change.get("used_at"):
        fields["used_at"] = timezone.now()
    collector = collector_a2 if change.get("for_other_collector") else collector_a
    override_for(case_a, collector, supervisor_a, **fields)
    with pytest.raises(ComplianceRefused):
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 10))


def test_an_override_for_another_number_does_not_apply(
    log, case_a, collector_a, supervisor_a, relative_phone_a
):
    override_for(
        case_a, collector_a, supervisor_a, rules=["contact_window"], contact_point=relative_phone_a
    )
    with pytest.raises(ComplianceRefused):
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 10))


def test_an_override_is_given_back_when_the_call_is_not_written(
    log, case_a, collector_a, supervisor_a
):
    override = override_for(case_a, collector_a, supervisor_a, rules=["contact_window"])
    with pytest.raises(Exception):  # noqa: B017 — any failure after the check
        log(case_a, collector_a, shanghai(2026, 3, 10, 22, 10), duration_seconds=10**9)
    override.refresh_from_db()
    assert override.used_at is None


def test_contact_check_records_the_refusal_itself(case_a, collector_a, phone_a, late_evening):
    with pytest.raises(ComplianceRefused):
        contact_check(
            case=case_a,
            contact_point=phone_a,
            party="debtor",
            at=shanghai(2026, 3, 10, 23, 0),
            collector=collector_a,
        )
    assert ComplianceRefusal.objects.count() == 1
