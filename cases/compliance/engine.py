"""May this contact happen? A pure function of (rule set, case, attempt history, proposal).

Nothing here reads the database or the clock: the caller loads the rule set, the case's
holds and the case's attempts since `history_start()` (one query) and passes the time of
the proposed contact. `evaluate()` checks every rule and returns all the broken ones, in
the order of `RULE_ORDER`, each with a translated sentence naming the rule and the numbers
and with JSON-ready `params` (numbers, "HH:MM" times, ISO dates) for refusal and override records.

How time is counted (the debtor's local dates, in the zone the rule set says):

- the zone is the rule set's `default_time_zone` when `time_zone_source` is "fixed";
  with "debtor" it is the case's `debtor_time_zone` when that is a known IANA zone, else
  the default;
- the contact window is [start, end): at 22:00 a window ending 22:00 is closed. Only the
  start of a contact is checked. A window whose end is earlier than its start runs past
  midnight (08:00–00:00 is 08:00 to midnight);
- "per day" is the local calendar day of the proposed contact;
- "7 days" is the 7 consecutive local calendar days ending on the proposed day (Reg F
  counts the day of the first call as day 1), so a call made on day D stops counting
  on day D+7;
- quiet period: a conversation with the debtor on local day D blocks the channel on days
  D … D+quiet−1 (Reg F counts the day of the conversation as the first day), so with
  7 quiet days, D+6 is refused and D+7 allowed;
- the debtor is unreachable when, in the last M local days (the proposed day included),
  at least N attempts on the channel to the debtor's own numbers failed (no conversation
  with the debtor: no answer, busy, wrong number, someone else answered) and there was no
  conversation with the debtor on any channel.

What is counted:

- unanswered attempts: the same channel and the same contact point, `answered=False`;
- attempts per case in 7 days: every attempt on the channel, whoever was called (third
  parties included: stricter than Reg F, which counts calls to the debtor);
- the quiet period: conversations on the same channel; it blocks every party;
- a third-party contact is one whose party is not the debtor on a number that is not the
  debtor's own; reaching a relative on the debtor's own number is a call to the debtor;
- a call dialled and not logged yet (`outcome_known=False`) is an unanswered attempt
  for the caps and an attempt for the 7 days, but not a failed attempt: it does not
  make the debtor unreachable;
- attempts after `proposed.at` are ignored (a call logged later for an earlier time is
  judged on what had happened by then). The history must not contain the proposed
  contact itself.

Holds (dispute, cease-contact, …) block every contact on every channel, even a channel
the rule set has no rules for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    LETTER = "letter"
    EMAIL = "email"
    VISIT = "visit"


class Party(StrEnum):
    DEBTOR = "debtor"
    RELATIVE = "relative"
    COLLEAGUE = "colleague"
    OTHER = "other"


TIME_ZONE_SOURCES = ("fixed", "debtor")

# The order violations are reported in (a decision's messages read the same every time).
RULE_ORDER = (
    "hold",
    "unknown_channel",
    "contact_window",
    "unanswered_per_number_per_day",
    "attempts_per_case_per_7_days",
    "quiet_after_conversation",
    "third_party_before_unreachable",
    "recording_required",
)


@dataclass(frozen=True)
class ChannelRules:
    """The limits of one contact channel in a rule set; None means "no such limit"."""

    channel: str
    window_start: dt.time
    window_end: dt.time
    max_unanswered_per_point_per_day: int | None = None
    max_attempts_per_case_per_7_days: int | None = None
    quiet_days_after_conversation: int | None = None
    third_party_only_when_unreachable: bool = False
    # The debtor is unreachable after N failed attempts over all the debtor's own
    # numbers within the last M days, with no conversation in that time.
    unreachable_after_failed_attempts: int | None = None
    unreachable_within_days: int | None = None
    recording_required: bool = False

    def __post_init__(self):
        # A broken rule row must fail loudly when loaded, not let calls through.
        for name in ("window_start", "window_end"):
            value = getattr(self, name)
            if not isinstance(value, dt.time) or value.tzinfo is not None:
                raise ValueError(f"{self.channel}: {name} must be a local time of day")
        if self.window_start == self.window_end:
            raise ValueError(f"{self.channel}: the contact window is empty")
        for name in (
            "max_unanswered_per_point_per_day",
            "max_attempts_per_case_per_7_days",
            "quiet_days_after_conversation",
        ):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{self.channel}: {name} must be a whole number ≥ 0 or None")
        for name in ("unreachable_after_failed_attempts", "unreachable_within_days"):
            value = getattr(self, name)
            if value is None:
                if self.third_party_only_when_unreachable:
                    raise ValueError(
                        f"{self.channel}: {name} is needed when third parties may only be "
                        "contacted once the debtor is unreachable"
                    )
            elif not isinstance(value, int) or value < 1:
                raise ValueError(f"{self.channel}: {name} must be a whole number ≥ 1 or None")


@dataclass(frozen=True)
class RuleSet:
    """A named set of per-channel rules, read in one time zone (fixed or the debtor's)."""

    code: str
    name: str
    time_zone_source: str
    default_time_zone: str
    channels: Mapping[str, ChannelRules]

    def __post_init__(self):
        if self.time_zone_source not in TIME_ZONE_SOURCES:
            raise ValueError(f"time_zone_source must be one of {TIME_ZONE_SOURCES}")
        if _zone_or_none(self.default_time_zone) is None:
            raise ValueError(f"unknown time zone {self.default_time_zone!r}")
        for key, rules in self.channels.items():
            if key != rules.channel:
                raise ValueError(f"channel {key!r} holds the rules of {rules.channel!r}")

    def zone_for(self, case: CaseState) -> zoneinfo.ZoneInfo:
        """The zone the rules are read in for this case."""
        if self.time_zone_source == "debtor" and case.debtor_time_zone:
            zone = _zone_or_none(case.debtor_time_zone)
            if zone is not None:
                return zone
        return zoneinfo.ZoneInfo(self.default_time_zone)


@dataclass(frozen=True)
class CaseState:
    """What the rules need to know about the case."""

    case_id: int
    debtor_time_zone: str | None = None
    # Kinds of the holds in force ("dispute", "cease_contact"): any one blocks all contact.
    active_holds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attempt:
    """One past contact attempt of the case (the history the caps are counted on)."""

    at: dt.datetime
    channel: str
    contact_point_id: int | None
    party: str
    to_debtors_own_number: bool
    answered: bool
    # Spoke with the debtor (right-party contact).
    conversation: bool
    # False for a call dialled and not logged yet: it counts as an unanswered attempt
    # for the caps, but never as a failed one towards "unreachable" (nobody knows yet).
    outcome_known: bool = True


@dataclass(frozen=True)
class ProposedContact:
    """The contact being started or logged."""

    channel: str
    at: dt.datetime
    contact_point_id: int | None
    party: str
    to_debtors_own_number: bool


@dataclass(frozen=True)
class Violation:
    """One broken rule: a stable code, a sentence for people, the numbers for records."""

    rule: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The answer: allowed or not, every broken rule, and the local time it was judged in."""

    allowed: bool
    violations: tuple[Violation, ...]
    # The proposed time in the zone the rules were read in; None for a completion check.
    local_time: dt.datetime | None = None

    @property
    def summary(self) -> str:
        return " ".join(violation.message for violation in self.violations)


def evaluate(
    rule_set: RuleSet,
    case: CaseState,
    attempts: Iterable[Attempt],
    proposed: ProposedContact,
) -> Decision:
    """Check the proposed contact against every rule of the set; report all violations."""
    _require_aware(proposed.at, "proposed.at")
    zone = rule_set.zone_for(case)
    local_time = proposed.at.astimezone(zone)
    day = local_time.date()
    channel = str(proposed.channel)
    # Only what had happened by the proposed time counts, each at its local date.
    history = []
    for attempt in attempts:
        _require_aware(attempt.at, "attempt.at")
        if attempt.at <= proposed.at:
            history.append((attempt.at.astimezone(zone).date(), attempt))

    violations: list[Violation] = []
    if case.active_holds:
        violations.append(_hold_violation(case.active_holds))
    rules = rule_set.channels.get(channel)
    if rules is None:
        violations.append(_unknown_channel_violation(rule_set, channel))
        return Decision(allowed=False, violations=tuple(violations), local_time=local_time)

    on_channel = [(d, a) for d, a in history if str(a.channel) == channel]
    for check in (
        _check_window,
        _check_unanswered_per_point,
        _check_attempts_per_case,
        _check_quiet_period,
        _check_third_party,
    ):
        violation = check(rules, zone, local_time, day, proposed, on_channel, history)
        if violation is not None:
            violations.append(violation)
    return Decision(allowed=not violations, violations=tuple(violations), local_time=local_time)


def evaluate_completion(rule_set: RuleSet, channel: str, has_recording: bool) -> Decision:
    """May a contact on this channel be saved as complete (a recording when one is required)?"""
    channel = str(channel)
    rules = rule_set.channels.get(channel)
    if rules is None:
        violation = _unknown_channel_violation(rule_set, channel)
        return Decision(allowed=False, violations=(violation,))
    if rules.recording_required and not has_recording:
        violation = Violation(
            rule="recording_required",
            message=_(
                "The rule set “%(rule_set)s” requires a recording: "
                "a %(channel)s without one cannot be completed."
            )
            % {"rule_set": rule_set.name, "channel": channel_label(channel)},
            params={"channel": channel},
        )
        return Decision(allowed=False, violations=(violation,))
    return Decision(allowed=True, violations=())


def history_start(rule_set: RuleSet, case: CaseState, at: dt.datetime) -> dt.datetime:
    """The earliest moment whose attempts can change a decision at `at` (bounds the query).

    Local midnight at the start of the longest period any channel's rules look back on
    (1 day, 7 days, the quiet days, the M days of "unreachable").
    """
    _require_aware(at, "at")
    days = 1
    for rules in rule_set.channels.values():
        if rules.max_attempts_per_case_per_7_days is not None:
            days = max(days, 7)
        days = max(days, rules.quiet_days_after_conversation or 0)
        days = max(days, rules.unreachable_within_days or 0)
    zone = rule_set.zone_for(case)
    first_day = at.astimezone(zone).date() - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)


def channel_label(channel: str) -> str:
    """The channel's name in a sentence, in the active language."""
    labels = {
        Channel.CALL: pgettext("contact channel", "call"),
        Channel.SMS: pgettext("contact channel", "text message"),
        Channel.LETTER: pgettext("contact channel", "letter"),
        Channel.EMAIL: pgettext("contact channel", "email"),
        Channel.VISIT: pgettext("contact channel", "field visit"),
    }
    return labels.get(channel, channel)


def hold_label(kind: str) -> str:
    """A hold kind in a sentence, in the active language (unknown kinds as they are)."""
    labels = {
        "dispute": pgettext("case hold", "open dispute"),
        "cease_contact": pgettext("case hold", "cease-contact request"),
    }
    return labels.get(kind, kind)


# --- The rules ------------------------------------------------------------------------
# Each takes (rules, zone, local_time, day, proposed, attempts on the channel, all
# attempts), both histories as (local date, attempt) pairs, and returns a Violation or None.


def _check_window(rules, zone, local_time, day, proposed, on_channel, history):
    moment = local_time.time().replace(tzinfo=None)
    start, end = rules.window_start, rules.window_end
    # A window whose end is earlier than its start runs past midnight.
    inside = start <= moment < end if start < end else moment >= start or moment < end
    if inside:
        return None
    params = {
        "time": _hhmm(moment),
        "start": _hhmm(start),
        "end": _hhmm(end, end_of_day=True),
        "zone": zone.key,
    }
    return Violation(
        rule="contact_window",
        message=_(
            "%(time)s is outside the contact window %(start)s–%(end)s "
            "in the debtor's time (%(zone)s)."
        )
        % params,
        params=params,
    )


def _check_unanswered_per_point(rules, zone, local_time, day, proposed, on_channel, history):
    limit = rules.max_unanswered_per_point_per_day
    if limit is None or proposed.contact_point_id is None:
        return None
    count = sum(
        1
        for d, a in on_channel
        if d == day and a.contact_point_id == proposed.contact_point_id and not a.answered
    )
    if count < limit:
        return None
    params = {
        "count": count,
        "limit": limit,
        "day": day.isoformat(),
        "contact_point_id": proposed.contact_point_id,
    }
    return Violation(
        rule="unanswered_per_number_per_day",
        message=_(
            "This number has had %(count)s unanswered attempts on %(day)s (limit %(limit)s a day)."
        )
        % params,
        params=params,
    )


def _check_attempts_per_case(rules, zone, local_time, day, proposed, on_channel, history):
    limit = rules.max_attempts_per_case_per_7_days
    if limit is None:
        return None
    first_day = day - dt.timedelta(days=6)
    count = sum(1 for d, _a in on_channel if first_day <= d <= day)
    if count < limit:
        return None
    params = {
        "count": count,
        "limit": limit,
        "first_day": first_day.isoformat(),
        "last_day": day.isoformat(),
        "channel": str(proposed.channel),
    }
    return Violation(
        rule="attempts_per_case_per_7_days",
        message=_(
            "This case has had %(count)s %(channel_label)s attempts in the 7 days "
            "%(first_day)s to %(last_day)s (limit %(limit)s)."
        )
        % {**params, "channel_label": channel_label(proposed.channel)},
        params=params,
    )


def _check_quiet_period(rules, zone, local_time, day, proposed, on_channel, history):
    quiet_days = rules.quiet_days_after_conversation
    if not quiet_days:
        return None
    first_day = day - dt.timedelta(days=quiet_days - 1)
    conversation_days = [d for d, a in on_channel if a.conversation and first_day <= d <= day]
    if not conversation_days:
        return None
    last_conversation = max(conversation_days)
    params = {
        "day": last_conversation.isoformat(),
        "days": quiet_days,
        "next_day": (last_conversation + dt.timedelta(days=quiet_days)).isoformat(),
        "channel": str(proposed.channel),
    }
    return Violation(
        rule="quiet_after_conversation",
        message=_(
            "The debtor was spoken to on %(day)s: no %(channel_label)s contact for "
            "%(days)s days; allowed again from %(next_day)s."
        )
        % {**params, "channel_label": channel_label(proposed.channel)},
        params=params,
    )


def _check_third_party(rules, zone, local_time, day, proposed, on_channel, history):
    if not rules.third_party_only_when_unreachable:
        return None
    if str(proposed.party) == Party.DEBTOR or proposed.to_debtors_own_number:
        return None
    needed = rules.unreachable_after_failed_attempts
    days = rules.unreachable_within_days
    first_day = day - dt.timedelta(days=days - 1)
    conversation_days = [d for d, a in history if a.conversation and first_day <= d <= day]
    if conversation_days:
        params = {"day": max(conversation_days).isoformat(), "days": days}
        return Violation(
            rule="third_party_before_unreachable",
            message=_(
                "Third parties may be contacted only once the debtor is unreachable: "
                "the debtor was spoken to on %(day)s, within the last %(days)s days."
            )
            % params,
            params=params,
        )
    failed = sum(
        1
        for d, a in on_channel
        if first_day <= d <= day
        and a.to_debtors_own_number
        and not a.conversation
        and a.outcome_known
    )
    if failed >= needed:
        return None
    params = {"failed": failed, "needed": needed, "days": days}
    return Violation(
        rule="third_party_before_unreachable",
        message=_(
            "Third parties may be contacted only once the debtor is unreachable: "
            "%(failed)s failed attempts on the debtor's own numbers in the last %(days)s "
            "days (%(needed)s needed)."
        )
        % params,
        params=params,
    )


def _hold_violation(kinds: tuple[str, ...]) -> Violation:
    return Violation(
        rule="hold",
        message=_(
            "The case is on hold (%(holds)s): no contact on any channel until a "
            "supervisor lifts it."
        )
        % {"holds": pgettext("list separator", ", ").join(hold_label(kind) for kind in kinds)},
        params={"holds": list(kinds)},
    )


def _unknown_channel_violation(rule_set: RuleSet, channel: str) -> Violation:
    return Violation(
        rule="unknown_channel",
        message=_(
            "The rule set “%(rule_set)s” has no rules for the channel “%(channel)s”: "
            "such a contact cannot be checked, so it is refused."
        )
        % {"rule_set": rule_set.name, "channel": channel},
        params={"channel": channel, "rule_set": rule_set.code},
    )


# --- Helpers --------------------------------------------------------------------------


def _zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _require_aware(moment: dt.datetime, name: str) -> None:
    # A naive time would be read in the server's zone: wrong by hours for a debtor.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")


def _hhmm(moment: dt.time, *, end_of_day: bool = False) -> str:
    if end_of_day and moment == dt.time(0, 0):
        return "24:00"
    return f"{moment:%H:%M}"
