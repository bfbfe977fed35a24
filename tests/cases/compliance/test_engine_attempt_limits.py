"""The compliance engine's attempt limits: per number per day, per case in 7 days, the quiet
period after a conversation (no database)."""

from __future__ import annotations

import copy
import datetime as dt

from cases.compliance.defaults import (
    CHINA_2026,
    rule_set_from_dict,
)
from cases.compliance.engine import (
    Channel,
    Party,
    evaluate,
)
from tests.cases.compliance.engine_helpers import (
    CHINA,
    CHINESE_CASE,
    DEBTOR_NUMBER,
    LOS_ANGELES_CASE,
    RELATIVE_NUMBER,
    SECOND_DEBTOR_NUMBER,
    US,
    UTC,
    attempt,
    call,
    china_rules_in_debtor_zone,
    los_angeles,
    one_call_a_day,
    rules_broken,
    shanghai,
    unanswered,
    utc,
)

# --- Unanswered attempts per number per day -------------------------------------------


def five_this_morning(**kwargs):
    return unanswered([shanghai(2, 8 + i) for i in range(5)], **kwargs)


def test_sixth_unanswered_attempt_on_a_number_is_allowed():
    decision = evaluate(CHINA, CHINESE_CASE, five_this_morning(), call(shanghai(2, 14)))

    assert decision.allowed


def test_seventh_attempt_after_six_unanswered_on_a_number_is_refused_with_the_numbers():
    history = [*five_this_morning(), attempt(shanghai(2, 13))]

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 14)))

    assert rules_broken(decision) == ["unanswered_per_number_per_day"]
    assert decision.summary == (
        "This number has had 6 unanswered attempts on 2026-03-02 (limit 6 a day)."
    )
    assert decision.violations[0].params == {
        "count": 6,
        "limit": 6,
        "day": "2026-03-02",
        "contact_point_id": DEBTOR_NUMBER,
    }


def test_another_number_of_the_debtor_is_not_affected_by_the_first_ones_limit():
    history = [*five_this_morning(), attempt(shanghai(2, 13))]

    decision = evaluate(
        CHINA, CHINESE_CASE, history, call(shanghai(2, 14), number=SECOND_DEBTOR_NUMBER)
    )

    assert decision.allowed


def test_answered_attempts_do_not_count_as_unanswered():
    history = [*five_this_morning(), attempt(shanghai(2, 13), answered=True)]

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 14)))

    assert decision.allowed


def test_yesterdays_unanswered_attempts_do_not_count_this_morning():
    history = unanswered([shanghai(1, 16 + i) for i in range(6)])

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 8)))

    assert decision.allowed


def test_attempts_on_another_channel_do_not_count_against_a_numbers_calls():
    rule_set_data = copy.deepcopy(CHINA_2026)
    rule_set_data["channels"]["sms"] = {"window_start": "08:00", "window_end": "22:00"}
    rule_set = rule_set_from_dict(rule_set_data)
    history = unanswered([shanghai(2, 8 + i) for i in range(6)], channel=Channel.SMS)

    decision = evaluate(rule_set, CHINESE_CASE, history, call(shanghai(2, 14)))

    assert decision.allowed


def test_attempts_after_the_proposed_time_are_ignored():
    history = unanswered([shanghai(2, 15 + i) for i in range(6)])

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 14)))

    assert decision.allowed


def test_unanswered_attempts_count_by_the_debtors_local_day_not_utcs():
    # 20:00–20:50 on 9 June in Los Angeles is 10 June in UTC, the same UTC date as the
    # proposed call at 09:00 on 10 June (16:00 UTC): still yesterday for the debtor.
    rule_set = china_rules_in_debtor_zone()
    yesterday_evening = unanswered([los_angeles(9, 20, 10 * i) for i in range(6)])
    assert {a.at.astimezone(UTC).date() for a in yesterday_evening} == {dt.date(2026, 6, 10)}

    decision = evaluate(rule_set, LOS_ANGELES_CASE, yesterday_evening, call(utc(6, 10, 16)))

    assert decision.allowed


def test_a_local_day_spanning_two_utc_dates_is_one_day():
    # Six this morning in Los Angeles (10 June UTC); the evening call is 11 June in UTC.
    rule_set = china_rules_in_debtor_zone()
    this_morning = unanswered([los_angeles(10, 9 + i) for i in range(6)])

    decision = evaluate(rule_set, LOS_ANGELES_CASE, this_morning, call(los_angeles(10, 18)))

    assert decision.violations[0].params["day"] == "2026-06-10"
    assert rules_broken(decision) == ["unanswered_per_number_per_day"]


def test_a_number_added_during_the_call_has_no_history_to_count():
    history = unanswered([shanghai(2, 8 + i) for i in range(6)])

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 14), number=None))

    assert decision.allowed


# --- Attempts per case in 7 days (Reg F) -----------------------------------------------


def test_seventh_call_in_seven_days_is_allowed():
    decision = evaluate(US, LOS_ANGELES_CASE, one_call_a_day(1, 6), call(los_angeles(7, 15)))

    assert decision.allowed


def test_eighth_call_in_seven_days_is_refused_with_the_period_and_the_limit():
    decision = evaluate(US, LOS_ANGELES_CASE, one_call_a_day(1, 7), call(los_angeles(7, 15)))

    assert rules_broken(decision) == ["attempts_per_case_per_7_days"]
    assert decision.summary == (
        "This case has had 7 call attempts in the 7 days 2026-06-01 to 2026-06-07 (limit 7)."
    )


def test_calls_to_other_numbers_and_third_parties_count_towards_the_case():
    history = [
        *one_call_a_day(1, 5),
        attempt(los_angeles(6, 10), number=SECOND_DEBTOR_NUMBER),
        attempt(los_angeles(7, 9), number=RELATIVE_NUMBER, party=Party.RELATIVE, own=False),
    ]

    decision = evaluate(US, LOS_ANGELES_CASE, history, call(los_angeles(7, 15)))

    assert rules_broken(decision) == ["attempts_per_case_per_7_days"]


def test_once_the_first_call_falls_out_of_the_seven_days_a_call_is_allowed_again():
    decision = evaluate(US, LOS_ANGELES_CASE, one_call_a_day(1, 7), call(los_angeles(8, 8)))

    assert decision.allowed


def test_the_seven_days_are_the_debtors_local_dates():
    # 20:30 on 1 June in Los Angeles is 2 June in UTC; on 8 June it is out of the period.
    history = [attempt(los_angeles(1, 20, 30)), *one_call_a_day(3, 8)]

    decision = evaluate(US, LOS_ANGELES_CASE, history, call(los_angeles(8, 15)))

    assert decision.allowed


# --- Quiet period after a conversation (Reg F) -----------------------------------------


def spoke_on_the_first_of_june():
    return [attempt(los_angeles(1, 10), conversation=True)]


def test_the_day_of_the_conversation_is_the_first_quiet_day():
    decision = evaluate(
        US, LOS_ANGELES_CASE, spoke_on_the_first_of_june(), call(los_angeles(1, 16))
    )

    assert rules_broken(decision) == ["quiet_after_conversation"]


def test_a_call_on_the_seventh_day_after_a_conversation_is_refused():
    decision = evaluate(
        US, LOS_ANGELES_CASE, spoke_on_the_first_of_june(), call(los_angeles(7, 20, 59))
    )

    assert rules_broken(decision) == ["quiet_after_conversation"]
    assert decision.summary == (
        "The debtor was spoken to on 2026-06-01: no call contact for 7 days; "
        "allowed again from 2026-06-08."
    )


def test_a_call_on_the_eighth_day_after_a_conversation_is_allowed():
    decision = evaluate(US, LOS_ANGELES_CASE, spoke_on_the_first_of_june(), call(los_angeles(8, 8)))

    assert decision.allowed


def test_china_rules_have_no_quiet_period():
    history = [attempt(shanghai(2, 9), conversation=True)]

    decision = evaluate(CHINA, CHINESE_CASE, history, call(shanghai(2, 15)))

    assert decision.allowed
