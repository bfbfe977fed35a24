"""The turnover early-warning signals (staffing plan 四(一)): a registry, one entry each.

Every signal has a threshold kept as data (`WarningThreshold`; HQ HR edits it on the
thresholds page; the defaults below apply where no row exists) and reads, per person,
"on", "off" or "not yet available", always with a sentence saying why — no score, no black box.

Signals whose data another area owns are registered here with a placeholder that
answers "not yet available"; that area fills it in from its own module (listed in
staff.apps.AREA_MODULES) with

    from staff.succession.signals import signal_source

    @signal_source("attendance_falling")
    def attendance_falling(profiles, setting, today) -> dict[int, Reading]: ...

Performance reads the figures named by the PERFORMANCE_FIGURES_FUNCTION setting;
while it is missing (or a figure is None) the signal says so, never "zero".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ON, OFF, UNAVAILABLE = "on", "off", "unavailable"


@dataclass(frozen=True)
class Reading:
    status: str
    explanation: str


@dataclass(frozen=True)
class Setting:
    """The threshold of a signal as HR set it (or the default)."""

    threshold: Decimal
    window_days: int
    enabled: bool = True


Reader = Callable[[list, Setting, dt.date], dict[int, Reading]]


@dataclass
class WarningSignal:
    key: str
    label: str
    threshold_help: str  # what the threshold number means, in words
    default_threshold: Decimal
    default_window_days: int
    reader: Reader


SIGNALS: dict[str, WarningSignal] = {}


def warning_signal(
    key: str, *, label, threshold_help, threshold, window_days: int
) -> Callable[[Reader], Reader]:
    def register(reader: Reader) -> Reader:
        SIGNALS[key] = WarningSignal(
            key=key,
            label=label,
            threshold_help=threshold_help,
            default_threshold=Decimal(str(threshold)),
            default_window_days=window_days,
            reader=reader,
        )
        return reader

    return register


def signal_source(key: str) -> Callable[[Reader], Reader]:
    """Another area fills in the reading of a signal registered here."""

    def register(reader: Reader) -> Reader:
        SIGNALS[key].reader = reader
        return reader

    return register


def settings_for_signals() -> dict[str, Setting]:
    from staff.models import WarningThreshold

    rows = {row.signal: row for row in WarningThreshold.objects.all()}
    result = {}
    for key, signal in SIGNALS.items():
        row = rows.get(key)
        if row is None:
            result[key] = Setting(signal.default_threshold, signal.default_window_days)
        else:
            result[key] = Setting(row.threshold, row.window_days, row.enabled)
    return result


def _unavailable(profiles, message: str) -> dict[int, Reading]:
    return {profile.pk: Reading(UNAVAILABLE, message) for profile in profiles}


# --- Signals computed here ---------------------------------------------------------------


@warning_signal(
    "tenure_short",
    label=gettext_lazy("Short tenure"),
    threshold_help=gettext_lazy("on while the person has worked here fewer days than this"),
    threshold=90,
    window_days=0,
)
def tenure_short(profiles, setting: Setting, today: dt.date) -> dict[int, Reading]:
    limit = int(setting.threshold)
    readings = {}
    for profile in profiles:
        days = (today - profile.hire_date).days
        values = {"hired": profile.hire_date, "days": days, "limit": limit}
        if days < limit:
            text = _("Hired on %(hired)s, %(days)s days ago: under %(limit)s days.") % values
            readings[profile.pk] = Reading(ON, text)
        else:
            text = _("Hired on %(hired)s, %(days)s days ago: %(limit)s days or more.") % values
            readings[profile.pk] = Reading(OFF, text)
    return readings


@warning_signal(
    "no_training",
    label=gettext_lazy("No training in a year"),
    threshold_help=gettext_lazy("on when the last training is more days ago than this"),
    threshold=365,
    window_days=0,
)
def no_training(profiles, setting: Setting, today: dt.date) -> dict[int, Reading]:
    from staff.models import SessionAttendance, TrainingEnrolment

    limit = int(setting.threshold)
    ids = [profile.pk for profile in profiles]
    completed = dict(
        TrainingEnrolment.objects.filter(
            profile_id__in=ids, status=TrainingEnrolment.Status.COMPLETED
        )
        .values_list("profile_id")
        .annotate(last=Max("completed_on"))
    )
    attended = dict(
        SessionAttendance.objects.filter(enrolment__profile_id__in=ids, present=True)
        .values_list("enrolment__profile_id")
        .annotate(last=Max("session__held_on"))
    )
    readings = {}
    for profile in profiles:
        dates = [d for d in (completed.get(profile.pk), attended.get(profile.pk)) if d]
        last = max(dates) if dates else None
        tenure = (today - profile.hire_date).days
        if last is None and tenure <= limit:
            text = _("No training yet, but hired only %(days)s days ago (judged after %(limit)s).")
            readings[profile.pk] = Reading(OFF, text % {"days": tenure, "limit": limit})
        elif last is None:
            text = _("No training recorded in %(days)s days of service (more than %(limit)s).")
            readings[profile.pk] = Reading(ON, text % {"days": tenure, "limit": limit})
        elif (today - last).days > limit:
            text = _("Last training on %(last)s, %(days)s days ago: more than %(limit)s.")
            values = {"last": last, "days": (today - last).days, "limit": limit}
            readings[profile.pk] = Reading(ON, text % values)
        else:
            text = _("Last training on %(last)s, %(days)s days ago: within %(limit)s.")
            values = {"last": last, "days": (today - last).days, "limit": limit}
            readings[profile.pk] = Reading(OFF, text % values)
    return readings


@warning_signal(
    "performance_falling",
    label=gettext_lazy("Performance falling against their own trend"),
    threshold_help=gettext_lazy(
        "on when the amount collected in the window is this many percent below the "
        "person's average of the three windows before it"
    ),
    threshold=30,
    window_days=30,
)
def performance_falling(profiles, setting: Setting, today: dt.date) -> dict[int, Reading]:
    dotted = getattr(settings, "PERFORMANCE_FIGURES_FUNCTION", "")
    if not dotted:
        return _unavailable(profiles, _("Performance figures are not yet available."))
    try:
        figures_of = import_string(dotted)
    except ImportError:
        return _unavailable(profiles, _("Performance figures are not yet available."))
    window = dt.timedelta(days=setting.window_days or 30)
    user_ids = [profile.user_id for profile in profiles]
    periods = []
    end = today
    for _index in range(4):
        start = end - window
        periods.append(figures_of(user_ids=user_ids, start=start, end=end))
        end = start
    drop = setting.threshold
    readings = {}
    for profile in profiles:
        amounts = [_amount(period.get(profile.user_id)) for period in periods]
        if any(amount is None for amount in amounts):
            readings[profile.pk] = Reading(
                UNAVAILABLE, _("The amounts collected are not available for every window.")
            )
            continue
        recent, earlier = amounts[0], amounts[1:]
        average = sum(earlier) / len(earlier)
        if average <= 0:
            readings[profile.pk] = Reading(
                OFF, _("Nothing collected in the earlier windows: no trend to fall from.")
            )
            continue
        fall = (average - recent) / average * 100
        values = {
            "recent": recent,
            "average": round(average, 2),
            "fall": round(fall, 1),
            "limit": drop,
        }
        if fall >= drop:
            text = _(
                "Collected %(recent)s in the last window against an average of %(average)s: "
                "%(fall)s%% lower (threshold %(limit)s%%)."
            )
            readings[profile.pk] = Reading(ON, text % values)
        else:
            text = _(
                "Collected %(recent)s in the last window against an average of %(average)s "
                "(threshold: %(limit)s%% lower)."
            )
            readings[profile.pk] = Reading(OFF, text % values)
    return readings


def _amount(figures) -> Decimal | None:
    if figures is None:
        return None
    value = getattr(figures, "amount_collected", None)
    if value is None and isinstance(figures, dict):
        value = figures.get("amount_collected")
    return None if value is None else Decimal(str(value))


# --- Signals whose data other areas own (filled in with @signal_source) -----------------


@warning_signal(
    "attendance_falling",
    label=gettext_lazy("Attendance falling"),
    threshold_help=gettext_lazy(
        "on when late arrivals, early leaving and absences in the window reach this number"
    ),
    threshold=4,
    window_days=30,
)
def attendance_falling(profiles, setting, today):
    return _unavailable(profiles, _("Attendance records are not yet available."))


@warning_signal(
    "leave_pattern",
    label=gettext_lazy("Leave pattern"),
    threshold_help=gettext_lazy(
        "on when the number of single days of leave next to a weekend or holiday in the "
        "window reaches this number"
    ),
    threshold=3,
    window_days=90,
)
def leave_pattern(profiles, setting, today):
    return _unavailable(profiles, _("Leave records are not yet available."))


@warning_signal(
    "low_assessment",
    label=gettext_lazy("Low assessment"),
    threshold_help=gettext_lazy("on when the latest assessment total is below this score"),
    threshold=60,
    window_days=365,
)
def low_assessment(profiles, setting, today):
    return _unavailable(profiles, _("Assessments are not yet available."))


SIGNAL_ORDER = [
    "attendance_falling",
    "leave_pattern",
    "performance_falling",
    "low_assessment",
    "tenure_short",
    "no_training",
]


@dataclass
class PersonWarnings:
    profile: object
    readings: list[tuple[WarningSignal, Reading]]

    @property
    def signals_on(self) -> list[tuple[WarningSignal, Reading]]:
        return [(signal, reading) for signal, reading in self.readings if reading.status == ON]


def read_signals(profiles, *, today: dt.date) -> list[PersonWarnings]:
    """Every enabled signal for every person, in the list's order."""
    profiles = list(profiles)
    setting_of = settings_for_signals()
    keys = [key for key in SIGNAL_ORDER if key in SIGNALS] + [
        key for key in SIGNALS if key not in SIGNAL_ORDER
    ]
    per_signal = {}
    for key in keys:
        setting = setting_of[key]
        if not setting.enabled:
            continue
        per_signal[key] = SIGNALS[key].reader(profiles, setting, today)
    result = []
    for profile in profiles:
        readings = [
            (SIGNALS[key], values.get(profile.pk, Reading(UNAVAILABLE, "")))
            for key, values in per_signal.items()
        ]
        result.append(PersonWarnings(profile=profile, readings=readings))
    return result
