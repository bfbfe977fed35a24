"""The compliance engine's contact window, read in the right zone (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.compliance.engine import (
    CaseState,
    evaluate,
)
from tests.cases.compliance.engine_helpers import (
    CHINA,
    CHINESE_CASE,
    LOS_ANGELES_CASE,
    US,
    call,
    rules_broken,
    shanghai,
    utc,
)

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
