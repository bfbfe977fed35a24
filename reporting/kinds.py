"""The kinds of report, one registry: each kind says which period it covers and how it is
computed. Schedules and runs name a kind by its key; a kind's `generate(run)` returns
the columns, rows and summary that become the run's result (and its CSV and XLSX).

Figures of areas that are not built yet (promises, payments, visits: the collection
workflow part 2) are None — shown as "not yet available", never as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _


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


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: object
    period: str  # "week" | "month" | "day"
    columns: tuple[Column, ...]
    generate: Callable[[object], ReportData]
    # The row keys of the chart (bars per row, labelled by the first column).
    chart: tuple[str, ...] = ()


_KINDS: dict[str, ReportKind] = {}


def report_kind(key: str, *, label, period: str, columns, chart=()):
    def register(function: Callable[[object], ReportData]):
        _KINDS[key] = ReportKind(
            key=key,
            label=label,
            period=period,
            columns=tuple(columns),
            generate=function,
            chart=tuple(chart),
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


def _model_or_none(label: str):
    try:
        return apps.get_model(*label.split("."))
    except LookupError:
        return None


def _collector_rows(run) -> tuple[list[dict], dict]:
    """Per collector of the company: the week's (or month's) work."""
    from cases.models import CallLog, Case, ComplianceOverride
    from staff import roles
    from staff.models import StaffProfile

    begin, finish = period_bounds(run.period_start, run.period_end)
    collectors = (
        StaffProfile.objects.filter(
            user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR],
            status=StaffProfile.Status.ACTIVE,
        )
        .select_related("user", "branch", "department")
        .distinct()
        .order_by("branch__name", "employee_number")
    )
    ids = [profile.user_id for profile in collectors]
    calls = dict(
        CallLog.objects.filter(collector_id__in=ids, started_at__gte=begin, started_at__lt=finish)
        .values_list("collector_id")
        .annotate(n=Count("pk"))
        .values_list("collector_id", "n")
    )
    contacts = dict(
        CallLog.objects.filter(
            collector_id__in=ids,
            started_at__gte=begin,
            started_at__lt=finish,
            outcome__conversation=True,
        )
        .values_list("collector_id")
        .annotate(n=Count("pk"))
        .values_list("collector_id", "n")
    )
    held = dict(
        Case.objects.filter(assigned_to_id__in=ids)
        .filter(~Q(status__in=[Case.Status.CLOSED, Case.Status.RECALLED, Case.Status.SETTLED]))
        .values_list("assigned_to_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_to_id", "n")
    )
    overrides = dict(
        ComplianceOverride.objects.filter(
            collector_id__in=ids, granted_at__gte=begin, granted_at__lt=finish
        )
        .values_list("collector_id")
        .annotate(n=Count("pk"))
        .values_list("collector_id", "n")
    )
    promises_available = _model_or_none("cases.Promise") is not None
    payments_available = _model_or_none("cases.Payment") is not None
    rows = []
    for profile in collectors:
        user_id = profile.user_id
        rows.append(
            {
                "collector_id": user_id,
                "collector": profile.display_name,
                "employee_number": profile.employee_number,
                "branch_id": profile.branch_id,
                "branch": profile.branch.name,
                "team": profile.department.name if profile.department else "",
                "cases_held": held.get(user_id, 0),
                "calls": calls.get(user_id, 0),
                "contacts": contacts.get(user_id, 0),
                "overrides": overrides.get(user_id, 0),
                # Filled in once the workflow's part 2 has landed (see module docstring).
                "promises_made": 0 if promises_available else None,
                "amount_confirmed": 0 if payments_available else None,
            }
        )
    _add_promises_and_payments(rows, ids, run, begin, finish)
    summary = {
        "collectors": len(rows),
        "calls": sum(row["calls"] for row in rows),
        "contacts": sum(row["contacts"] for row in rows),
    }
    return rows, summary


def _add_promises_and_payments(rows, ids, run, begin, finish) -> None:
    from django.db.models import Sum

    promise = _model_or_none("cases.Promise")
    payment = _model_or_none("cases.Payment")
    by_user = {row["collector_id"]: row for row in rows}
    if promise is not None:
        made = (
            promise.objects.filter(made_by_id__in=ids, created_at__gte=begin, created_at__lt=finish)
            .values_list("made_by_id")
            .annotate(n=Count("pk"))
            .values_list("made_by_id", "n")
        )
        for user_id, n in made:
            by_user[user_id]["promises_made"] = n
    if payment is not None:
        confirmed = (
            payment.objects.filter(
                claimed_by_id__in=ids,
                status="confirmed",
                paid_on__gte=run.period_start,
                paid_on__lte=run.period_end,
            )
            .values_list("claimed_by_id")
            .annotate(total=Sum("amount"))
            .values_list("claimed_by_id", "total")
        )
        for user_id, total in confirmed:
            by_user[user_id]["amount_confirmed"] = str(total)


COLLECTOR_COLUMNS = [
    Column("collector", _("Collector"), numeric=False),
    Column("employee_number", _("Employee number"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    Column("team", _("Team"), numeric=False),
    Column("cases_held", _("Cases held")),
    Column("calls", _("Calls")),
    Column("contacts", _("Conversations")),
    Column("promises_made", _("Promises made")),
    Column("amount_confirmed", _("Amount confirmed")),
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
