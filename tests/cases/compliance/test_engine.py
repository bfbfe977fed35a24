"""The compliance rules engine at the edges of each rule, without a database.

Dates: 2026-03-02 is a Monday; June 2026 is summer time in the US (Los Angeles is UTC−7,
New York UTC−4). Shanghai is UTC+8 all year.
"""

from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cases.compliance.defaults import (
    CHINA_2026,
    SHIPPED_RULE_SETS,
    US_REG_F,
    rule_set_from_dict,
)
from cases.compliance.engine import (
    RULE_ORDER,
    Attempt,
    CaseState,
    Channel,
    Party,
    ProposedContact,
    evaluate,
    evaluate_completion,
    history_start,
)

UTC = dt.UTC
CHINA = rule_set_from_dict(CHINA_2026)
US = rule_set_from_dict(US_REG_F)
CHINESE_CASE = CaseState(case_id=1)
LOS_ANGELES_CASE = CaseState(case_id=2, debtor_time_zone="America/Los_Angeles")
DEBTOR_NUMBER, SECOND_DEBTOR_NUMBER, RELATIVE_NUMBER = 11, 12, 21


def shanghai(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def los_angeles(day: int, hour: int, minute: int = 0, month: int = 6) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo("America/Los_Angeles"))


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def call(at, *, number=DEBTOR_NUMBER, party=Party.DEBTOR, own=True, channel=Channel.CALL):
    return ProposedContact(
        channel=channel, at=at, contact_point_id=number, party=party, to_debtors_own_number=own
    )


def attempt(
    at,
    *,
    number=DEBTOR_NUMBER,
    answered=False,
    conversation=False,
    party=Party.DEBTOR,
    own=True,
    channel=Channel.CALL,
):
    return Attempt(
        at=at,
        channel=channel,
        contact_point_id=number,
        party=party,
        to_debtors_own_number=own,
        answered=answered or conversation,
        conversation=conversation,
    )


def unanswered(times, **kwargs):
    return [attempt(at, **kwargs) for at in times]


def rules_broken(decision) -> list[str]:
    return [violation.rule for violation in decision.violations]


def china_rules_in_debtor_zone():
    """The China limits read in the debtor's own zone: to see local days differ from UTC's."""
    data = copy.deepcopy(CHINA_2026)
    data["time_zone_source"] = "debtor"
    return rule_set_from_dict(data)


# --- Contact window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utc_time", "allowed"),
    [
        (utc(3, 1, 23, 59), False),  # 07:59 in Shanghai
        (utc(3, 2, 0, 0), True),  # 08:00
        (utc(3, 2, 13, 59), True),  # 21:59
        (utc(3, 2, 14, 0), False),  # 22:00: the window's end is outside it
    ],
)
def test_china_window_is_eight_to_ten_in_shanghai_and_its_end_is_outside(utc_time, allowed):
    decision = evaluate(CHINA, CHINESE_CASE, [], call(utc_time))

    assert decision.allowed is allowed
    assert rules_broken(decision) == ([] if allowed else ["contact_window"])


def test_out_of_window_refusal_names_the_time_the_window_and_the_zone():
    decision = evaluate(CHINA, CHINESE_CASE, [], call(shanghai(2, 22, 14)))

    assert decision.summary == (
        "22:14 is outside the contact window 08:00–22:00 in the debtor's time (Asia/Shanghai)."
    )
    assert decision.violations[0].params == {
        "time": "22:14",
        "start": "08:00",
        "end": "22:00",
        "zone": "Asia/Shanghai",
    }


def test_china_rules_read_the_time_in_shanghai_whatever_the_debtors_zone():
    case = CaseState(case_id=3, debtor_time_zone="America/Los_Angeles")

    decision = evaluate(CHINA, case, [], call(shanghai(2, 9)))

    assert decision.allowed
    assert decision.local_time == shanghai(2, 9)
    assert decision.local_time.tzinfo.key == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("utc_time", "allowed"),
    [
        (utc(6, 10, 14, 59), False),  # 07:59 in Los Angeles
        (utc(6, 10, 15, 0), True),  # 08:00
        (utc(6, 11, 3, 59), True),  # 20:59, the next day in UTC
        (utc(6, 11, 4, 0), False),  # 21:00
    ],
)
def test_reg_f_window_is_eight_to_nine_in_the_debtors_own_zone(utc_time, allowed):
    decision = evaluate(US, LOS_ANGELES_CASE, [], call(utc_time))

    assert decision.allowed is allowed
    assert decision.local_time.tzinfo.key == "America/Los_Angeles"


def test_reg_f_refusal_gives_the_debtors_local_time_not_utc():
    decision = evaluate(US, LOS_ANGELES_CASE, [], call(utc(6, 10, 14, 30)))

    assert decision.summary == (
        "07:30 is outside the contact window 08:00–21:00 in the debtor's time "
        "(America/Los_Angeles)."
    )


@pytest.mark.parametrize("zone", [None, "", "Nowhere/Atlantis"])
def test_reg_f_without_a_known_debtor_zone_falls_back_to_new_york(zone):
    case = CaseState(case_id=4, debtor_time_zone=zone)
    at = utc(6, 10, 12, 30)  # 08:30 in New York, 05:30 in Los Angeles

    decision = evaluate(US, case, [], call(at))

    assert decision.allowed
    assert decision.local_time.tzinfo.key == "America/New_York"
    assert not evaluate(US, LOS_ANGELES_CASE, [], call(at)).allowed


def test_a_naive_time_is_refused_as_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        evaluate(CHINA, CHINESE_CASE, [], call(dt.datetime(2026, 3, 2, 9)))


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


def one_call_a_day(first_day: int, last_day: int, **kwargs):
    return unanswered([los_angeles(day, 10) for day in range(first_day, last_day + 1)], **kwargs)


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


# --- Third parties only once the debtor is unreachable --------------------------------


def call_a_relative(at):
    return call(at, number=RELATIVE_NUMBER, party=Party.RELATIVE, own=False)


def failed_on_both_numbers():
    """Six failed attempts over the debtor's two numbers, on 28 Feb and 2 March."""
    return [
        *unanswered([shanghai(28, 9 + i, month=2) for i in range(3)]),
        attempt(shanghai(2, 9), number=SECOND_DEBTOR_NUMBER, answered=True),  # wrong person
        *unanswered([shanghai(2, 10 + i) for i in range(2)], number=SECOND_DEBTOR_NUMBER),
    ]


def test_a_relative_may_not_be_called_before_the_debtor_is_unreachable():
    decision = evaluate(CHINA, CHINESE_CASE, [], call_a_relative(shanghai(2, 14)))

    assert rules_broken(decision) == ["third_party_before_unreachable"]
    assert decision.summary == (
        "Third parties may be contacted only once the debtor is unreachable: 0 failed "
        "attempts on the debtor's own numbers in the last 3 days (6 needed)."
    )


def test_a_relative_may_be_called_after_six_failed_attempts_over_the_debtors_numbers():
    decision = evaluate(
        CHINA, CHINESE_CASE, failed_on_both_numbers(), call_a_relative(shanghai(2, 14))
    )

    assert decision.allowed


def test_five_failed_attempts_are_not_enough():
    history = failed_on_both_numbers()[1:]

    decision = evaluate(CHINA, CHINESE_CASE, history, call_a_relative(shanghai(2, 14)))

    assert decision.violations[0].params == {"failed": 5, "needed": 6, "days": 3}


def test_failed_attempts_older_than_the_three_days_do_not_count():
    # 28 February is the first of the three days on 2 March, but not on 3 March.
    decision = evaluate(
        CHINA, CHINESE_CASE, failed_on_both_numbers(), call_a_relative(shanghai(3, 9))
    )

    assert rules_broken(decision) == ["third_party_before_unreachable"]


def test_calls_to_other_third_parties_do_not_make_the_debtor_unreachable():
    history = unanswered(
        [shanghai(2, 8 + i) for i in range(6)], number=22, party=Party.COLLEAGUE, own=False
    )

    decision = evaluate(CHINA, CHINESE_CASE, history, call_a_relative(shanghai(2, 15)))

    assert rules_broken(decision) == ["third_party_before_unreachable"]


def test_a_conversation_with_the_debtor_within_the_three_days_means_reachable():
    history = [*failed_on_both_numbers(), attempt(shanghai(1, 11), conversation=True)]

    decision = evaluate(CHINA, CHINESE_CASE, history, call_a_relative(shanghai(2, 14)))

    assert rules_broken(decision) == ["third_party_before_unreachable"]
    assert decision.summary == (
        "Third parties may be contacted only once the debtor is unreachable: the debtor "
        "was spoken to on 2026-03-01, within the last 3 days."
    )


def test_a_conversation_before_the_three_days_does_not_count():
    history = [*failed_on_both_numbers(), attempt(shanghai(27, 11, month=2), conversation=True)]

    decision = evaluate(CHINA, CHINESE_CASE, history, call_a_relative(shanghai(2, 14)))

    assert decision.allowed


def test_a_relative_answering_the_debtors_own_number_is_a_call_to_the_debtor():
    proposed = call(shanghai(2, 14), party=Party.RELATIVE, own=True)

    decision = evaluate(CHINA, CHINESE_CASE, [], proposed)

    assert decision.allowed


def test_reg_f_also_needs_the_debtor_unreachable_before_a_third_party_call():
    assert not evaluate(US, LOS_ANGELES_CASE, [], call_a_relative(los_angeles(8, 10))).allowed

    four_failed = one_call_a_day(5, 8)
    decision = evaluate(US, LOS_ANGELES_CASE, four_failed, call_a_relative(los_angeles(8, 15)))

    assert decision.allowed


# --- Holds ------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("rule_set", [CHINA, US], ids=["china", "reg-f"])
def test_a_hold_blocks_every_contact_on_every_channel(rule_set, channel):
    case = CaseState(case_id=5, debtor_time_zone="America/New_York", active_holds=("dispute",))

    decision = evaluate(rule_set, case, [], call(utc(6, 10, 16), channel=channel))

    assert not decision.allowed
    assert rules_broken(decision)[0] == "hold"


def test_a_hold_refusal_names_the_holds():
    case = CaseState(case_id=6, active_holds=("cease_contact", "dispute"))

    decision = evaluate(CHINA, case, [], call(shanghai(2, 10)))

    assert decision.summary == (
        "The case is on hold (cease-contact request, open dispute): no contact on any "
        "channel until a supervisor lifts it."
    )
    assert decision.violations[0].params == {"holds": ["cease_contact", "dispute"]}


# --- Recording required to complete ----------------------------------------------------


@pytest.mark.parametrize("rule_set", [CHINA, US], ids=["china", "reg-f"])
def test_a_call_without_a_recording_cannot_be_completed(rule_set):
    decision = evaluate_completion(rule_set, Channel.CALL, has_recording=False)

    assert rules_broken(decision) == ["recording_required"]
    assert "requires a recording" in decision.summary


def test_a_call_with_a_recording_can_be_completed():
    assert evaluate_completion(CHINA, Channel.CALL, has_recording=True).allowed


def test_a_channel_that_needs_no_recording_completes_without_one():
    data = copy.deepcopy(CHINA_2026)
    data["channels"]["call"]["recording_required"] = False

    decision = evaluate_completion(rule_set_from_dict(data), "call", has_recording=False)

    assert decision.allowed


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
