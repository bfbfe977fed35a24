"""The kinds of report, one registry: each kind says which period it covers and how it is
computed. Schedules and runs name a kind by its key; a kind's `generate(run)` returns
the columns, rows and summary that become the run's result (and its CSV and XLSX).

Figures come from the daily rollups (reporting.rollups), never from a scan of the call log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff import roles


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    numeric: bool = True


@dataclass
class ReportData:
    columns: list[Column]
    rows: list[dict]
    summary: dict = field(default_factory=dict)


# Who reads a kind unless it says otherwise (reporting.selectors scopes the rows).
DEFAULT_READERS = (
    roles.SUPERVISOR,
    roles.BRANCH_MANAGER,
    roles.ADMIN_STAFF,
    roles.FINANCE,
    roles.PHONE_COLLECTOR,
    roles.FIELD_COLLECTOR,
)


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: object
    period: str  # "week" | "month" | "day"
    columns: tuple[Column, ...]
    generate: Callable[[object], ReportData]
    # The row keys of the chart (bars per row, labelled by the first column).
    chart: tuple[str, ...] = ()
    # The roles that read it; of those, the ones that read every branch's rows.
    readers: tuple[str, ...] = DEFAULT_READERS
    company_wide: tuple[str, ...] = ()
    # What a row is ("collector", "team" or "branch"), and for team and branch rows the
    # per-collector kind a drill-down from one of them shows.
    rows_are: str = "collector"
    drill_kind: str = ""
    # For kinds run per scope (reconciliation: per agreement): today's company date →
    # the (scope, scope id, period start, period end) a daily schedule starts; None: one
    # company run of the previous period.
    scheduled_scopes: Callable[[dt.date], list[tuple[str, int, dt.date, dt.date]]] | None = None


_KINDS: dict[str, ReportKind] = {}


def report_kind(
    key: str,
    *,
    label,
    period: str,
    columns,
    chart=(),
    readers=DEFAULT_READERS,
    company_wide=(),
    rows_are="collector",
    drill_kind="",
    scheduled_scopes=None,
):
    def register(function: Callable[[object], ReportData]):
        _KINDS[key] = ReportKind(
            key=key,
            label=label,
            period=period,
            columns=tuple(columns),
            generate=function,
            chart=tuple(chart),
            readers=tuple(readers),
            company_wide=tuple(company_wide),
            rows_are=rows_are,
            drill_kind=drill_kind,
            scheduled_scopes=scheduled_scopes,
        )
        return function

    return register


def kinds() -> dict[str, ReportKind]:
    return dict(_KINDS)


def kind(key: str) -> ReportKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no report kind {key!r}") from None


def previous_period(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete period before `today` (company date): Monday–Sunday, the calendar
    month, or yesterday."""
    if period == "week":
        this_monday = today - dt.timedelta(days=today.weekday())
        return this_monday - dt.timedelta(days=7), this_monday - dt.timedelta(days=1)
    if period == "month":
        first = today.replace(day=1)
        last_of_previous = first - dt.timedelta(days=1)
        return last_of_previous.replace(day=1), last_of_previous
    if period == "day":
        yesterday = today - dt.timedelta(days=1)
        return yesterday, yesterday
    raise ValueError(f"unknown period {period!r}")


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and (exclusive) last instant in the company's time zone."""
    from collections_office.workdays import company_tz

    tz = company_tz()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, finish


def collector_profiles(figures: dict):
    """The company's collectors: the active ones and anyone with figures in the period."""
    from staff.models import StaffProfile

    return (
        StaffProfile.objects.filter(
            user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR],
        )
        .filter(Q(status=StaffProfile.Status.ACTIVE) | Q(user_id__in=list(figures)))
        .select_related("user", "branch", "department")
        .distinct()
        .order_by("branch__name", "employee_number")
    )


def prepare(run) -> None:
    """A scheduled or manual run recomputes its period's rollups first, so the report is
    exact however the data came; a page reading a chosen period (`run.recompute` False)
    reads the rollups as the refresh left them."""
    from .rollups import compute_days

    if getattr(run, "recompute", True):
        compute_days(run.period_start, run.period_end)


def person_columns(profile) -> dict:
    return {
        "collector_id": profile.user_id,
        "collector": profile.display_name,
        "employee_number": profile.employee_number,
        "branch_id": profile.branch_id,
        "branch": profile.branch.name,
        "team_id": profile.department_id,
        "team": profile.department.name if profile.department else "",
    }


def _collector_rows(run) -> tuple[list[dict], dict]:
    """Per collector of the company: the period's work, summed from the daily rollups."""
    from .rollups import company_day, held_on, period_figures

    prepare(run)
    figures = period_figures(run.period_start, run.period_end)
    collectors = collector_profiles(figures)
    # Cases held at the end of the period (today's snapshot for a period reaching today):
    # the rollups' snapshot, never a count over the case table.
    held = held_on(min(run.period_end, company_day(timezone.now())))
    rows = []
    counts = ("calls", "contacts", "overrides", "promises_made", "promises_kept")
    empty = dict.fromkeys((*counts, "visits_requested", "visits_done"), 0)
    for profile in collectors:
        user_id = profile.user_id
        done = {**empty, **figures.get(user_id, {})}
        rows.append(
            {
                **person_columns(profile),
                "cases_held": held.get(user_id, 0),
                **{key: done[key] for key in empty},
                "amount_confirmed": str(done.get("amount_confirmed") or "0.00"),
            }
        )
    summary = {
        "collectors": len(rows),
        "calls": sum(row["calls"] for row in rows),
        "contacts": sum(row["contacts"] for row in rows),
        "amount_confirmed": str(sum(Decimal(row["amount_confirmed"]) for row in rows)),
    }
    return rows, summary


COLLECTOR_COLUMNS = [
    Column("collector", _("Collector"), numeric=False),
    Column("employee_number", _("Employee number"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    Column("team", _("Team"), numeric=False),
    Column("cases_held", _("Cases held")),
    Column("calls", _("Calls")),
    Column("contacts", _("Conversations")),
    Column("promises_made", _("Promises made")),
    Column("promises_kept", _("Promises kept")),
    Column("amount_confirmed", _("Amount confirmed")),
    Column("visits_requested", _("Visits requested")),
    Column("visits_done", _("Visits done")),
    Column("overrides", _("Compliance overrides")),
]


@report_kind(
    "collector_weekly",
    label=_("Collectors' weekly report"),
    period="week",
    columns=COLLECTOR_COLUMNS,
    chart=("calls", "contacts"),
)
def collector_weekly(run) -> ReportData:
    rows, summary = _collector_rows(run)
    return ReportData(columns=COLLECTOR_COLUMNS, rows=rows, summary=summary)


@report_kind(
    "collector_monthly",
    label=_("Collectors' monthly summary"),
    period="month",
    columns=COLLECTOR_COLUMNS,
    chart=("calls", "contacts"),
)
def collector_monthly(run) -> ReportData:
    rows, summary = _collector_rows(run)
    return ReportData(columns=COLLECTOR_COLUMNS, rows=rows, summary=summary)


SUMMED = (
    "cases_held",
    "calls",
    "contacts",
    "promises_made",
    "promises_kept",
    "visits_requested",
    "visits_done",
    "overrides",
)


def _grouped_rows(rows: list[dict], key) -> list[dict]:
    """Collector rows summed by `key(row)` → (sort key, first columns)."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        group_key, first = key(row)
        group = groups.setdefault(
            group_key,
            {
                **first,
                "collectors": 0,
                "amount_confirmed": Decimal("0.00"),
                **dict.fromkeys(SUMMED, 0),
            },
        )
        group["collectors"] += 1
        for figure in SUMMED:
            group[figure] += row[figure]
        group["amount_confirmed"] += Decimal(row["amount_confirmed"])
    out = []
    for _key, group in sorted(groups.items()):
        group["amount_confirmed"] = str(group["amount_confirmed"])
        # A team's or branch's contact rate: conversations per call.
        group["contact_rate"] = (
            f"{group['contacts'] / group['calls']:.1%}" if group["calls"] else None
        )
        out.append(group)
    return out


GROUP_FIGURE_COLUMNS = [
    Column("collectors", _("Collectors")),
    Column("cases_held", _("Cases held")),
    Column("calls", _("Calls")),
    Column("contacts", _("Conversations")),
    Column("contact_rate", _("Contact rate"), numeric=False),
    Column("promises_made", _("Promises made")),
    Column("promises_kept", _("Promises kept")),
    Column("amount_confirmed", _("Amount confirmed")),
    Column("visits_requested", _("Visits requested")),
    Column("visits_done", _("Visits done")),
    Column("overrides", _("Compliance overrides")),
]
TEAM_COLUMNS = [
    Column("team", _("Team"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    *GROUP_FIGURE_COLUMNS,
]
BRANCH_COLUMNS = [Column("branch", _("Branch"), numeric=False), *GROUP_FIGURE_COLUMNS]


@report_kind(
    "team_weekly",
    label=_("Teams' weekly report"),
    period="week",
    columns=TEAM_COLUMNS,
    chart=("calls", "contacts"),
    rows_are="team",
    drill_kind="collector_weekly",
)
def team_weekly(run) -> ReportData:
    rows, summary = _collector_rows(run)
    teams = _grouped_rows(
        rows,
        lambda row: (
            (row["branch"], row["team"]),
            {
                "team": row["team"] or "—",
                "team_id": row["team_id"],
                "branch": row["branch"],
                "branch_id": row["branch_id"],
            },
        ),
    )
    return ReportData(columns=TEAM_COLUMNS, rows=teams, summary=summary)


@report_kind(
    "branch_monthly",
    label=_("Branches' monthly report to headquarters"),
    period="month",
    columns=BRANCH_COLUMNS,
    chart=("amount_confirmed",),
    rows_are="branch",
    drill_kind="collector_monthly",
)
def branch_monthly(run) -> ReportData:
    rows, summary = _collector_rows(run)
    branches = _grouped_rows(
        rows,
        lambda row: ((row["branch"],), {"branch": row["branch"], "branch_id": row["branch_id"]}),
    )
    return ReportData(columns=BRANCH_COLUMNS, rows=branches, summary=summary)


# The finance and compliance reports register from their own module.
from . import kinds_finance  # noqa: E402, F401
