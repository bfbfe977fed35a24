"""The computed indicators an assessment item can name, and how each is computed.

Every indicator computes for a whole set of people at once (a handful of queries for
2,000 people, never one per person) and returns {user id: value or None}. None means
"not yet available" — the data it comes from is not in this installation (payments of
the workflow's part 2, the training records, complaints) — and is shown as such and left
out of the total, never counted as zero.

Case-side figures come from the function `settings.PERFORMANCE_FIGURES_FUNCTION` names
(the staff app never imports cases); staff-side ones (team retention, training
participation, upheld complaints) are read here. Rates are percentages (0–100), as the
figures function gives them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from staff.models import Position, StaffProfile

CENT = Decimal("0.01")

UNIT_MONEY = "money"
UNIT_PERCENT = "percent"
UNIT_COUNT = "count"


@dataclass
class IndicatorContext:
    """One computation: the people, the period, and what the indicators share (the figures
    of everyone, the teams) so that each is read once."""

    user_ids: list[int]
    start: dt.date
    end: dt.date
    _figures: dict[int, object] | None = None
    _figures_loaded: bool = False
    _teams: dict[int, list[int]] | None = None
    # Set when a team indicator is asked: the figures are then read for the teams too.
    with_teams: bool = False

    def figures(self, user_ids: Iterable[int] | None = None) -> dict[int, object] | None:
        """{user id: figures} for the people and their teams; None when there is no
        figures function in this installation."""
        if not self._figures_loaded:
            self._figures_loaded = True
            wanted = set(self.user_ids)
            if self.with_teams:
                for members in self.teams().values():
                    wanted.update(members)
            self._figures = performance_figures(
                user_ids=sorted(wanted), start=self.start, end=self.end
            )
        return self._figures

    def teams(self) -> dict[int, list[int]]:
        if self._teams is None:
            self._teams = team_members(self.user_ids, start=self.start, end=self.end)
        return self._teams


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    unit: str
    compute: Callable[[IndicatorContext], dict[int, Decimal | None]]
    # How an item naming it scores by default, and its default target / points per unit.
    default_scoring: str = "target"
    default_target: Decimal = Decimal("100")
    # Computed over the person's team (a manager's indicator).
    uses_team: bool = False


REGISTRY: dict[str, Indicator] = {}


def indicator(
    key: str,
    *,
    label,
    unit: str,
    scoring: str = "target",
    target: str = "100",
    uses_team: bool = False,
):
    """Registers `function(context) -> {user id: value or None}` under `key`."""

    def decorator(function):
        REGISTRY[key] = Indicator(
            key=key,
            label=label,
            unit=unit,
            compute=function,
            default_scoring=scoring,
            default_target=Decimal(target),
            uses_team=uses_team,
        )
        return function

    return decorator


def indicator_choices() -> list[tuple[str, object]]:
    return [(key, item.label) for key, item in REGISTRY.items()]


def compute_indicators(keys: Iterable[str], context: IndicatorContext) -> dict[str, dict]:
    """{indicator key: {user id: value or None}} for every key asked (unknown keys: None)."""
    keys = list(dict.fromkeys(keys))
    context.with_teams = any(REGISTRY[k].uses_team for k in keys if k in REGISTRY)
    values = {}
    for key in keys:
        entry = REGISTRY.get(key)
        values[key] = entry.compute(context) if entry else {}
    return values


# --- Where the values come from ----------------------------------------------------------


def performance_figures(*, user_ids, start, end) -> dict[int, object] | None:
    """The case side's figures, or None when this installation has no figures function."""
    path = getattr(settings, "PERFORMANCE_FIGURES_FUNCTION", "")
    if not path:
        return None
    try:
        function = import_string(path)
    except ImportError:
        return None
    if not user_ids:
        return {}
    return function(user_ids=list(user_ids), start=start, end=end)


def _figure(figures, user_id: int, name: str):
    """One figure of one person; None when the figures or the figure are not available."""
    if figures is None:
        return None
    person = figures.get(user_id)
    if person is None:
        return None
    if isinstance(person, dict):
        return person.get(name)
    return getattr(person, name, None)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def team_members(manager_ids: Iterable[int], *, start: dt.date, end: dt.date) -> dict[int, list]:
    """{manager's user id: user ids of their team} — the staff of the departments they head,
    or, heading none, the others of their own department; people employed at some time in
    the period (docs/decisions.md). One query for the managers, one for the members."""
    manager_ids = list(manager_ids)
    managers = StaffProfile.objects.filter(user_id__in=manager_ids).values_list(
        "user_id", "department_id"
    )
    headed = defaultdict(list)
    from staff.models import Department

    for head_id, department_id in Department.objects.filter(head_id__in=manager_ids).values_list(
        "head_id", "pk"
    ):
        headed[head_id].append(department_id)
    departments_of = {}
    for user_id, own_department in managers:
        departments_of[user_id] = headed.get(user_id) or (
            [own_department] if own_department else []
        )
    wanted = {d for ds in departments_of.values() for d in ds}
    by_department = defaultdict(list)
    for user_id, department_id in (
        StaffProfile.objects.filter(department_id__in=wanted, hire_date__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .values_list("user_id", "department_id")
    ):
        by_department[department_id].append(user_id)
    return {
        manager: sorted(
            {m for d in departments_of.get(manager, []) for m in by_department[d]} - {manager}
        )
        for manager in manager_ids
    }


# --- The indicators -----------------------------------------------------------------------


@indicator("amount", label=_("Amount collected"), unit=UNIT_MONEY, target="500000")
def _amount(context: IndicatorContext):
    figures = context.figures()
    return {u: _decimal(_figure(figures, u, "amount_collected")) for u in context.user_ids}


@indicator("success_rate", label=_("Success rate (%)"), unit=UNIT_PERCENT, target="30")
def _success_rate(context: IndicatorContext):
    figures = context.figures()
    return {u: _decimal(_figure(figures, u, "success_rate")) for u in context.user_ids}


def _mean_completion(months) -> Decimal | None:
    """The mean monthly completion over the months that had a target (None if none did)."""
    values = [
        m.completion if not isinstance(m, dict) else m.get("completion") for m in months or []
    ]
    values = [Decimal(v) for v in values if v is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


@indicator("task_completion", label=_("Monthly task completion (%)"), unit=UNIT_PERCENT)
def _task_completion(context: IndicatorContext):
    figures = context.figures()
    return {u: _mean_completion(_figure(figures, u, "months")) for u in context.user_ids}


@indicator(
    "team_results",
    label=_("Team results: amount collected"),
    unit=UNIT_MONEY,
    target="2000000",
    uses_team=True,
)
def _team_results(context: IndicatorContext):
    figures = context.figures()
    result = {}
    for manager, members in context.teams().items():
        amounts = [_figure(figures, m, "amount_collected") for m in members]
        if not members or any(a is None for a in amounts):
            result[manager] = None
        else:
            result[manager] = sum((Decimal(a) for a in amounts), Decimal("0")).quantize(CENT)
    return result


@indicator(
    "complaints",
    label=_("Upheld complaints (team and self)"),
    unit=UNIT_COUNT,
    scoring="penalty",
    target="20",
    uses_team=True,
)
def _complaints(context: IndicatorContext):
    """Complaints HR recorded as upheld (staff.UpheldComplaint, the promotion gate's record)
    against the manager or their team in the period."""
    try:
        model = apps.get_model("staff", "UpheldComplaint")
    except LookupError:
        return dict.fromkeys(context.user_ids)
    teams = context.teams()
    people = set(teams) | {m for members in teams.values() for m in members}
    counts = defaultdict(int)
    for subject_id in model.objects.filter(
        subject_id__in=people, upheld_on__gte=context.start, upheld_on__lte=context.end
    ).values_list("subject_id", flat=True):
        counts[subject_id] += 1
    return {
        manager: Decimal(sum(counts[m] for m in [manager, *members]))
        for manager, members in teams.items()
    }


@indicator(
    "compliance_record",
    label=_("Confirmed compliance violations (team and self)"),
    unit=UNIT_COUNT,
    scoring="penalty",
    target="25",
    uses_team=True,
)
def _compliance_record(context: IndicatorContext):
    return _team_count(context, "violations")


def _team_count(context: IndicatorContext, name: str):
    figures = context.figures()
    result = {}
    for manager, members in context.teams().items():
        counts = [_figure(figures, m, name) for m in [manager, *members]]
        result[manager] = None if any(c is None for c in counts) else Decimal(sum(counts))
    return result


@indicator(
    "team_retention", label=_("Team retention (%)"), unit=UNIT_PERCENT, target="90", uses_team=True
)
def _team_retention(context: IndicatorContext):
    """Of the team on the first day of the period, the share still employed on the last day
    (None for a manager without a team then)."""
    result = {}
    teams = context.teams()
    everyone = {m for members in teams.values() for m in members}
    employed = {
        user_id: (hired, left)
        for user_id, hired, left in StaffProfile.objects.filter(user_id__in=everyone).values_list(
            "user_id", "hire_date", "left_on"
        )
    }
    for manager, members in teams.items():
        at_start = [
            m
            for m in members
            if employed[m][0] <= context.start
            and (employed[m][1] is None or employed[m][1] >= context.start)
        ]
        if not at_start:
            result[manager] = None
            continue
        stayed = [m for m in at_start if employed[m][1] is None or employed[m][1] > context.end]
        result[manager] = (Decimal(len(stayed)) * 100 / len(at_start)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    return result


def _training_attendance_model():
    try:
        return apps.get_model("staff", "SessionAttendance")
    except LookupError:
        return None


@indicator(
    "training_participation",
    label=_("Training participation (%)"),
    unit=UNIT_PERCENT,
    target="80",
    uses_team=True,
)
def _training_participation(context: IndicatorContext):
    """The share of the team present at one training session at least in the period.
    Until the training records are installed: None for everyone."""
    model = _training_attendance_model()
    teams = context.teams()
    if model is None:
        return dict.fromkeys(teams)
    everyone = {m for members in teams.values() for m in members}
    trained = set(
        model.objects.filter(
            present=True,
            enrolment__profile__user_id__in=everyone,
            session__held_on__gte=context.start,
            session__held_on__lte=context.end,
        )
        .values_list("enrolment__profile__user_id", flat=True)
        .distinct()
    )
    result = {}
    for manager, members in teams.items():
        if not members:
            result[manager] = None
            continue
        share = Decimal(len(trained.intersection(members))) * 100 / len(members)
        result[manager] = share.quantize(CENT, rounding=ROUND_HALF_UP)
    return result


COLLECTOR_POSITIONS = (
    Position.JUNIOR_COLLECTOR,
    Position.MID_COLLECTOR,
    Position.SENIOR_COLLECTOR,
)
MANAGER_POSITIONS = (Position.COLLECTION_SUPERVISOR, Position.COLLECTION_MANAGER)
