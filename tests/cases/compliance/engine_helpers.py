"""What the compliance engine's tests share: the two shipped rule sets, times, attempts.

Dates: 2026-03-02 is a Monday; June 2026 is summer time in the US (Los Angeles is UTC−7,
New York UTC−4). Shanghai is UTC+8 all year.
"""

from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

from cases.compliance.defaults import (
    CHINA_2026,
    US_REG_F,
    rule_set_from_dict,
)
from cases.compliance.engine import (
    Attempt,
    CaseState,
    Channel,
    Party,
    ProposedContact,
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


def one_call_a_day(first_day: int, last_day: int, **kwargs):
    return unanswered([los_angeles(day, 10) for day in range(first_day, last_day + 1)], **kwargs)


def call_a_relative(at):
    return call(at, number=RELATIVE_NUMBER, party=Party.RELATIVE, own=False)
