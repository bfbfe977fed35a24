"""Report pages on a chosen period (the date-range picker), and the drill-down: from a team's
figures to its collectors, from a collector to the cases behind the figures.

A page on a chosen period reads the daily rollups as the refresh left them (today's and
yesterday's are at most five minutes old); it never recomputes them. Rows are scoped as in
stored results (reporting.selectors.rows_for); another branch's team or collector is a 404.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import in_company_time
from staff import roles
from staff.access import role_required
from staff.models import Department, StaffProfile
from staff.selectors import get_scoped_object_or_404, has_role, sees_all_branches, user_branch

from . import kinds as report_kinds
from .drill import collector_cases, collector_period_figures
from .forms import PeriodForm
from .selectors import BRANCH_READER_ROLES, READER_ROLES, kind_readable, rows_for
from .services import company_today


def _kind_or_404(user, key: str) -> report_kinds.ReportKind:
    if not kind_readable(user=user, kind_key=key):
        raise Http404
    return report_kinds.kind(key)


def _period(request, kind) -> PeriodForm:
    today = company_today()
    default = report_kinds.previous_period(kind.period if kind else "week", today)
    form = PeriodForm(request.GET or None, today=today, default=default)
    if not request.GET:
        form = PeriodForm(
            {
                "preset": "custom",
                "period_start": default[0].isoformat(),
                "period_end": default[1].isoformat(),
            },
            today=today,
            default=default,
        )
    form.is_valid()
    return form


def _period_query(start, end, **extra) -> str:
    return urlencode(
        {"preset": "custom", "period_start": start.isoformat(), "period_end": end.isoformat()}
        | extra
    )


def display(value):
    """A cell as the page shows it: booleans read as words in the reader's language."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return value


def _sorted(rows: list[dict], sort: str, keys) -> list[dict]:
    from .pages import _sortable

    key = sort.lstrip("-")
    if key not in keys:
        return rows
    return sorted(
        rows,
        key=lambda row: (row.get(key) is None, _sortable(display(row.get(key)))),
        reverse=sort.startswith("-"),
    )


def row_links(kind, rows: list[dict], start, end) -> list[str | None]:
    """Each row's drill-down: a team → its collectors, a collector → their cases."""
    links = []
    for row in rows:
        if kind.rows_are == "team" and row.get("team_id"):
            links.append(
                reverse("reporting:team", args=[row["team_id"]])
                + "?"
                + _period_query(start, end, kind=kind.drill_kind)
            )
        elif kind.rows_are == "collector" and row.get("collector_id"):
            links.append(
                reverse("reporting:collector", args=[row["collector_id"]])
                + "?"
                + _period_query(start, end)
            )
        else:
            links.append(None)
    return links


def table_context(kind, rows, *, start, end, sort) -> dict:
    columns = list(kind.columns)
    rows = _sorted(rows, sort, {column.key for column in columns})
    links = row_links(kind, rows, start, end)
    table = [
        {"cells": [display(row.get(column.key)) for column in columns], "link": link}
        for row, link in zip(rows, links, strict=True)
    ]
    chart = {
        "type": "bar",
        "data": {
            "labels": [row.get(columns[0].key, "") for row in rows[:40]],
            "datasets": [
                {
                    "label": str(next(c.label for c in columns if c.key == key)),
                    "data": [float(row.get(key) or 0) for row in rows[:40]],
                }
                for key in kind.chart
            ],
        },
        "options": {"indexAxis": "y", "maintainAspectRatio": False},
    }
    return {
        "columns": columns,
        "table": table,
        "sort": sort,
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "chart_height": max(200, 28 * min(len(rows), 40)),
    }


def _export(kind_key, columns, rows, start, end, export):
    header = [str(column.label) for column in columns]
    table = [[_blank(display(row.get(column.key))) for column in columns] for row in rows]
    name = f"{kind_key}-{start:%Y%m%d}-{end:%Y%m%d}.{export}"
    return (csv_response if export == "csv" else xlsx_response)(name, header, table)


def _blank(value):
    return "" if value is None else value


def generate_rows(kind, start, end) -> list[dict]:
    return kind.generate(SimpleNamespace(period_start=start, period_end=end, recompute=False)).rows


@require_GET
@role_required(*READER_ROLES)
@in_company_time
def report_view(request):
    """Any report on a period the reader chooses (a week, a month, any range up to a year)."""
    if not request.GET.get("kind"):
        return redirect("reporting:index")  # the index lists the reports one may choose
    kind = _kind_or_404(request.user, request.GET["kind"])
    form = _period(request, kind)
    context = {"kind": kind, "label": kind.label, "form": form, "keep": [("kind", kind.key)]}
    if not form.is_valid():
        return render(request, "reporting/view.html", context, status=400)
    start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    rows = rows_for(user=request.user, kind_key=kind.key, rows=generate_rows(kind, start, end))
    sort = request.GET.get("sort", "")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = _sorted(rows, sort, {column.key for column in kind.columns})
        return _export(kind.key, kind.columns, rows, start, end, export)
    context.update(table_context(kind, rows, start=start, end=end, sort=sort))
    context.update({"start": start, "end": end})
    return render(request, "reporting/view.html", context)


@require_GET
@role_required(*BRANCH_READER_ROLES)
@in_company_time
def team_detail(request, pk: int):
    """A team's collectors on a period: the rows of a per-collector report for the team."""
    team = get_scoped_object_or_404(
        Department.objects.visible_to(request.user).select_related("branch"),
        user=request.user,
        pk=pk,
    )
    kind_key = request.GET.get("kind") or "collector_weekly"
    kind = _kind_or_404(request.user, kind_key)
    if kind.rows_are != "collector":
        raise Http404
    form = _period(request, kind)
    context = {
        "kind": kind,
        "team": team,
        "label": kind.label,
        "form": form,
        "keep": [("kind", kind.key)],
    }
    if not form.is_valid():
        return render(request, "reporting/team.html", context, status=400)
    start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    rows = [row for row in generate_rows(kind, start, end) if row.get("team_id") == team.pk]
    rows = rows_for(user=request.user, kind_key=kind.key, rows=rows)
    sort = request.GET.get("sort", "")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = _sorted(rows, sort, {column.key for column in kind.columns})
        return _export(f"{kind.key}-team{team.pk}", kind.columns, rows, start, end, export)
    context.update(table_context(kind, rows, start=start, end=end, sort=sort))
    context.update({"start": start, "end": end})
    return render(request, "reporting/team.html", context)


# Finance reads the finance report company-wide, and so drills into any collector; a
# reader who is also a supervisor, branch manager or admin staff keeps to the branch.
_BRANCH_ONLY = (roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.ADMIN_STAFF)


def _collector_profile(user, pk: int) -> StaffProfile:
    """A collector the reader may drill into: HQ and finance any, branch readers their
    branch's, a collector themselves only."""
    profiles = StaffProfile.objects.select_related("user", "branch", "department").filter(
        user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR]
    )
    company_wide = sees_all_branches(user) or (
        has_role(user, roles.FINANCE) and not has_role(user, *_BRANCH_ONLY)
    )
    if company_wide:
        pass
    elif has_role(user, *BRANCH_READER_ROLES):
        profiles = profiles.filter(branch=user_branch(user))
    else:
        profiles = profiles.filter(user=user)
    return get_scoped_object_or_404(profiles.distinct(), user=user, user_id=pk)


CASE_KEYS = (
    "account_no",
    "bank",
    "status",
    "calls",
    "contacts",
    "promises_made",
    "amount_confirmed",
    "commission",
)


def case_column_labels():
    return {
        "account_no": _("Account number"),
        "bank": _("Bank"),
        "status": _("Status"),
        "calls": _("Calls"),
        "contacts": _("Conversations"),
        "promises_made": _("Promises made"),
        "amount_confirmed": _("Amount confirmed"),
        "commission": _("Commission earned"),
    }


@require_GET
@role_required(*READER_ROLES)
@in_company_time
def collector_detail(request, pk: int):
    """One collector on a period: their figures, and the cases behind them (calls,
    conversations, promises made, confirmed payments and their commission)."""
    profile = _collector_profile(request.user, pk)
    form = _period(request, None)
    context = {"profile": profile, "form": form}
    if not form.is_valid():
        return render(request, "reporting/collector.html", context, status=400)
    start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    figures = collector_period_figures(profile.user_id, start, end)
    listed, hidden = collector_cases(
        user=request.user, collector_id=profile.user_id, start=start, end=end
    )
    labels = case_column_labels()
    keys = list(CASE_KEYS)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in keys:
        from .pages import _sortable

        listed.sort(
            key=lambda row: _sortable(row.get(sort.lstrip("-"))), reverse=sort.startswith("-")
        )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = [str(labels[key]) for key in keys]
        table = [[_blank(row.get(key)) for key in keys] for row in listed]
        name = f"collector{profile.user_id}-cases-{start:%Y%m%d}-{end:%Y%m%d}.{export}"
        return (csv_response if export == "csv" else xlsx_response)(name, header, table)
    figure_labels = [
        ("calls", _("Calls")),
        ("contacts", _("Conversations")),
        ("promises_made", _("Promises made")),
        ("promises_kept", _("Promises kept")),
        ("amount_confirmed", _("Amount confirmed")),
        ("commission", _("Commission earned")),
        ("visits_requested", _("Visits requested")),
        ("visits_done", _("Visits done")),
        ("refusals", _("Compliance refusals")),
        ("overrides", _("Compliance overrides")),
        ("violations", _("Confirmed violations")),
        ("quality_low", _("Reviews below threshold")),
    ]
    context.update(
        {
            "start": start,
            "end": end,
            "figures": [(key, label, figures.get(key, 0)) for key, label in figure_labels],
            "case_columns": [(key, labels[key]) for key in keys],
            "cases": listed,
            "hidden": hidden,
            "sort": sort,
        }
    )
    return render(request, "reporting/collector.html", context)
