"""The compliance engine on third parties, holds and recordings (no database)."""

from __future__ import annotations

import copy

import pytest

from cases.compliance.defaults import (
    CHINA_2026,
    rule_set_from_dict,
)
from cases.compliance.engine import (
    CaseState,
    Channel,
    Party,
    evaluate,
    evaluate_completion,
)
from tests.cases.compliance.engine_helpers import (
    CHINA,
    CHINESE_CASE,
    LOS_ANGELES_CASE,
    SECOND_DEBTOR_NUMBER,
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

# --- Third parties only once the debtor is unreachable --------------------------------


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
