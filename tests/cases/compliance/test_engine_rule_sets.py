"""The compliance engine's reporting, messages, the shipped rule sets as data and the history
it needs (no database)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import translation

from cases.compliance.defaults import (
    CHINA_2026,
    SHIPPED_RULE_SETS,
    rule_set_from_dict,
)
from cases.compliance.engine import (
    RULE_ORDER,
    CaseState,
    Channel,
    evaluate,
    evaluate_completion,
    history_start,
)
from tests.cases.compliance.engine_helpers import (
    CHINA,
    CHINESE_CASE,
    LOS_ANGELES_CASE,
    RELATIVE_NUMBER,
    US,
    attempt,
    call,
    call_a_relative,
    los_angeles,
    one_call_a_day,
    rules_broken,
    shanghai,
    unanswered,
    utc,
)

# --- Several rules, unknown channels, messages -----------------------------------------


def test_every_broken_rule_is_reported_at_once_in_a_fixed_order():
    case = CaseState(case_id=7, active_holds=("dispute",))
    history = unanswered(
        [shanghai(2, 8 + i) for i in range(6)], number=RELATIVE_NUMBER, party="relative", own=False
    )
    proposed = call_a_relative(shanghai(2, 22, 30))

    decision = evaluate(CHINA, case, history, proposed)

    assert rules_broken(decision) == [
        "hold",
        "contact_window",
        "unanswered_per_number_per_day",
        "third_party_before_unreachable",
    ]
    assert rules_broken(decision) == sorted(rules_broken(decision), key=RULE_ORDER.index)
    assert decision.summary == " ".join(v.message for v in decision.violations)


def test_reg_f_reports_the_window_the_weekly_cap_and_the_quiet_period_together():
    history = [attempt(los_angeles(2, 10), conversation=True), *one_call_a_day(3, 8)]

    decision = evaluate(US, LOS_ANGELES_CASE, history, call(los_angeles(8, 21, 15)))

    assert rules_broken(decision) == [
        "contact_window",
        "attempts_per_case_per_7_days",
        "quiet_after_conversation",
    ]


def test_a_channel_without_rules_in_the_set_is_refused_as_unknown():
    decision = evaluate(CHINA, CHINESE_CASE, [], call(shanghai(2, 10), channel=Channel.SMS))

    assert rules_broken(decision) == ["unknown_channel"]
    assert decision.summary == (
        "The rule set “China 2026 default (banking association guideline for outsourced "
        "credit-card collection)” has no rules for the channel “sms”: such a contact "
        "cannot be checked, so it is refused."
    )
    assert not evaluate_completion(CHINA, "fax", has_recording=True).allowed


def test_messages_are_translated_into_chinese():
    with translation.override("zh-hans"):
        decision = evaluate(CHINA, CHINESE_CASE, [], call(shanghai(2, 22, 14)))

    assert (
        decision.summary == "22:14 不在联系时段 08:00–22:00 之内（债务人当地时间，Asia/Shanghai）。"
    )


# --- The shipped rule sets as data -------------------------------------------------------


def test_the_shipped_rule_sets_build_and_say_what_the_guidelines_say():
    china_calls = CHINA.channels["call"]
    us_calls = US.channels["call"]

    assert [data["code"] for data in SHIPPED_RULE_SETS] == ["cn-2026", "us-reg-f"]
    assert (CHINA.time_zone_source, CHINA.default_time_zone) == ("fixed", "Asia/Shanghai")
    assert (china_calls.window_start, china_calls.window_end) == (dt.time(8), dt.time(22))
    assert china_calls.max_unanswered_per_point_per_day == 6
    assert china_calls.recording_required
    assert (US.time_zone_source, US.default_time_zone) == ("debtor", "America/New_York")
    assert (us_calls.window_start, us_calls.window_end) == (dt.time(8), dt.time(21))
    assert us_calls.max_attempts_per_case_per_7_days == 7
    assert us_calls.quiet_days_after_conversation == 7


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["channels"]["call"].update(max_unanswerd=6), "unknown"),
        (lambda d: d["channels"]["call"].pop("window_end"), "missing window_end"),
        (lambda d: d["channels"]["call"].update(window_start="8h"), "HH:MM"),
        (lambda d: d["channels"]["call"].update(window_end="08:00"), "empty"),
        (lambda d: d["channels"]["call"].update(unreachable_within_days=None), "needed"),
        (lambda d: d["channels"]["call"].update(max_attempts_per_case_per_7_days=-1), "≥ 0"),
        (lambda d: d.update(time_zone_source="bank"), "time_zone_source"),
        (lambda d: d.update(default_time_zone="Mars/Olympus"), "unknown time zone"),
    ],
)
def test_a_malformed_rule_set_is_refused_when_loaded(change, complaint):
    data = copy.deepcopy(CHINA_2026)
    change(data)

    with pytest.raises(ValueError, match=complaint):
        rule_set_from_dict(data)


def test_a_window_ending_at_midnight_runs_to_the_end_of_the_day():
    data = copy.deepcopy(CHINA_2026)
    data["channels"]["call"]["window_end"] = "00:00"
    rule_set = rule_set_from_dict(data)

    assert evaluate(rule_set, CHINESE_CASE, [], call(shanghai(2, 23, 59))).allowed
    refused = evaluate(rule_set, CHINESE_CASE, [], call(shanghai(3, 0, 0)))
    assert refused.violations[0].params["end"] == "24:00"


# --- How much history the caller must load ------------------------------------------------


def test_china_needs_the_last_three_local_days_of_history():
    start = history_start(CHINA, CHINESE_CASE, utc(3, 2, 1))  # 09:00 in Shanghai

    assert start == shanghai(28, 0, month=2)


def test_reg_f_needs_the_last_seven_local_days_of_history_in_the_debtors_zone():
    start = history_start(US, LOS_ANGELES_CASE, utc(6, 11, 3))  # 20:00 on 10 June in LA

    assert start == los_angeles(4, 0)


def test_history_before_the_start_never_changes_a_decision():
    history = [attempt(los_angeles(3, 23, 59), conversation=True), *one_call_a_day(4, 10)]
    proposed = call(los_angeles(10, 20))
    start = history_start(US, LOS_ANGELES_CASE, proposed.at)
    loaded = [a for a in history if a.at >= start]

    assert evaluate(US, LOS_ANGELES_CASE, history, proposed) == evaluate(
        US, LOS_ANGELES_CASE, loaded, proposed
    )
