"""The shipped rule sets as plain data, and the dict → `RuleSet` conversion.

A rule set as a dict (what the data migration writes and what the model code builds
from the rule-set rows before calling `rule_set_from_dict`)::

    {
        "code": "cn-2026",                 # stable identifier
        "name": "China 2026 default (…)",  # shown in messages
        "time_zone_source": "fixed",       # "fixed" | "debtor"
        "default_time_zone": "Asia/Shanghai",
        "channels": {
            "call": {                      # a Channel value; one entry per channel
                "window_start": "08:00",   # "HH:MM" (or a datetime.time), inclusive
                "window_end": "22:00",     # "HH:MM", exclusive; "00:00" = midnight
                "max_unanswered_per_point_per_day": 6,    # int or None (no limit)
                "max_attempts_per_case_per_7_days": None,  # int or None
                "quiet_days_after_conversation": None,     # int or None
                "third_party_only_when_unreachable": True,
                "unreachable_after_failed_attempts": 6,    # N, needed with the flag above
                "unreachable_within_days": 3,              # M, needed with the flag above
                "recording_required": True,
            },
        },
    }

Only `window_start` and `window_end` are required in a channel; a missing limit is None
(no limit), a missing flag False. An unknown key is an error, so a misspelt limit can
never be silently ignored. A channel absent from "channels" has no rules, and every
contact on it is refused (`unknown_channel`): only calls have rules so far; SMS, letters,
email and visits get theirs when those features arrive (DESIGN §10).

The choices where the guidelines give no number are in docs/decisions.md
("Compliance rules engine"). A data migration should copy these dicts (`copy.deepcopy`)
rather than keep a reference to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from cases.compliance.engine import Channel, ChannelRules, RuleSet

# China Banking Association, 2026 guideline for outsourced credit-card collection:
# 08:00–22:00, at most 6 unanswered attempts per number per day, third parties only once
# the debtor is unreachable (we say: 6 failed attempts over all the debtor's own numbers
# within 3 days, with no conversation), every call recorded. One zone for the mainland.
CHINA_2026: dict[str, Any] = {
    "code": "cn-2026",
    "name": (
        "China 2026 default (banking association guideline for outsourced credit-card collection)"
    ),
    "time_zone_source": "fixed",
    "default_time_zone": "Asia/Shanghai",
    "channels": {
        Channel.CALL.value: {
            "window_start": "08:00",
            "window_end": "22:00",
            "max_unanswered_per_point_per_day": 6,
            "max_attempts_per_case_per_7_days": None,
            "quiet_days_after_conversation": None,
            "third_party_only_when_unreachable": True,
            "unreachable_after_failed_attempts": 6,
            "unreachable_within_days": 3,
            "recording_required": True,
        },
    },
}

# US Regulation F (12 CFR 1006): 08:00–21:00 in the debtor's local time, 7 calls in
# 7 days per debt, none for 7 days after a conversation (§1006.14(b)). Third parties
# may only be called to locate the debtor (§1006.10): we treat that as "only once the
# debtor is unreachable", 4 failed attempts on the debtor's own numbers within 7 days
# with no conversation (the 7-in-7 cap leaves room for little more).
US_REG_F: dict[str, Any] = {
    "code": "us-reg-f",
    "name": "US Regulation F (CFPB, 12 CFR 1006)",
    "time_zone_source": "debtor",
    "default_time_zone": "America/New_York",
    "channels": {
        Channel.CALL.value: {
            "window_start": "08:00",
            "window_end": "21:00",
            "max_unanswered_per_point_per_day": None,
            "max_attempts_per_case_per_7_days": 7,
            "quiet_days_after_conversation": 7,
            "third_party_only_when_unreachable": True,
            "unreachable_after_failed_attempts": 4,
            "unreachable_within_days": 7,
            "recording_required": True,
        },
    },
}

SHIPPED_RULE_SETS: tuple[dict[str, Any], ...] = (CHINA_2026, US_REG_F)

_RULE_SET_KEYS = {"code", "name", "time_zone_source", "default_time_zone", "channels"}
_REQUIRED_CHANNEL_KEYS = {"window_start", "window_end"}
_OPTIONAL_CHANNEL_KEYS = {
    "max_unanswered_per_point_per_day",
    "max_attempts_per_case_per_7_days",
    "quiet_days_after_conversation",
    "third_party_only_when_unreachable",
    "unreachable_after_failed_attempts",
    "unreachable_within_days",
    "recording_required",
}


def rule_set_from_dict(data: Mapping[str, Any]) -> RuleSet:
    """Build the engine's `RuleSet` from a dict in the schema above; ValueError if malformed."""
    _check_keys("rule set", data, required=_RULE_SET_KEYS, optional=set())
    channels = {}
    for channel, rules in data["channels"].items():
        channel = str(channel)
        _check_keys(
            f"channel {channel!r}",
            rules,
            required=_REQUIRED_CHANNEL_KEYS,
            optional=_OPTIONAL_CHANNEL_KEYS,
        )
        channels[channel] = ChannelRules(
            channel=channel,
            window_start=_time_of_day(rules["window_start"], f"{channel}.window_start"),
            window_end=_time_of_day(rules["window_end"], f"{channel}.window_end"),
            max_unanswered_per_point_per_day=rules.get("max_unanswered_per_point_per_day"),
            max_attempts_per_case_per_7_days=rules.get("max_attempts_per_case_per_7_days"),
            quiet_days_after_conversation=rules.get("quiet_days_after_conversation"),
            third_party_only_when_unreachable=bool(
                rules.get("third_party_only_when_unreachable", False)
            ),
            unreachable_after_failed_attempts=rules.get("unreachable_after_failed_attempts"),
            unreachable_within_days=rules.get("unreachable_within_days"),
            recording_required=bool(rules.get("recording_required", False)),
        )
    return RuleSet(
        code=str(data["code"]),
        name=str(data["name"]),
        time_zone_source=str(data["time_zone_source"]),
        default_time_zone=str(data["default_time_zone"]),
        channels=MappingProxyType(channels),
    )


def _check_keys(what: str, data: Mapping[str, Any], *, required: set, optional: set) -> None:
    missing = required - set(data)
    unknown = set(data) - required - optional
    if missing:
        raise ValueError(f"{what}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise ValueError(f"{what}: unknown {', '.join(sorted(unknown))}")


def _time_of_day(value: Any, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.datetime.strptime(str(value), "%H:%M").time()
    except ValueError:
        raise ValueError(f"{name}: expected HH:MM, got {value!r}") from None
