"""The cases panels of the landing dashboard.

Admin staff: today's placements, those being imported, and the late ones (not
completed within PLACEMENT_IMPORT_SLA_MINUTES of receipt, DESIGN §4.2).
Supervisors and branch managers: cases by status in their scope, as a chart.
Collectors: their day (calls, conversations, refusals, callbacks and new cases due).
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from collections_office.panels import PanelRegistry
from collections_office.workdays import company_tz
from staff import roles
from staff.selectors import has_role

from . import selectors
from .models import Case, Placement

STATUS_COLOURS = {
    Case.Status.NEW: "#6c757d",
    Case.Status.ASSIGNED: "#0d6efd",
    Case.Status.IN_PROGRESS: "#fd7e14",
    Case.Status.SETTLED: "#198754",
    Case.Status.CLOSED: "#343a40",
    Case.Status.RECALLED: "#dc3545",
}


def _start_of_today() -> dt.datetime:
    now = timezone.localtime(timezone.now(), company_tz())  # "today" in the company
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def placement_panel(user) -> dict:
    placements = selectors.placement_list(user=user)
    in_flight = Q(status__in=Placement.IN_FLIGHT)
    late_in_flight = in_flight & placements.late_condition()
    late = list(placements.filter(late_in_flight).order_by("received_at")[:10])
    counts = placements.aggregate(
        today=Count("pk", filter=Q(received_at__gte=_start_of_today())),
        in_progress=Count("pk", filter=in_flight),
        late=Count("pk", filter=late_in_flight),
        failed_today=Count(
            "pk", filter=Q(status=Placement.Status.FAILED, received_at__gte=_start_of_today())
        ),
    )
    return {
        "template": "cases/_dashboard_placements.html",
        **counts,
        "late_placements": late,
        "sla_minutes": settings.PLACEMENT_IMPORT_SLA_MINUTES,
    }


def case_status_panel(user) -> dict:
    """The cases of the user's scope by status, from the counts the rollup refresh keeps
    (cases.snapshots): a few rows, not a count over the case table."""
    from staff.selectors import sees_all_branches, user_branch

    from .snapshots import case_status_counts

    everywhere = sees_all_branches(user)
    by_status, as_of = case_status_counts(
        branch=None if everywhere else user_branch(user), all_branches=everywhere
    )
    labels = [str(label) for _value, label in Case.Status.choices]
    values = [by_status.get(value, 0) for value in Case.Status.values]
    chart = {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Cases"),
                    "data": values,
                    "backgroundColor": [STATUS_COLOURS[value] for value in Case.Status.values],
                    # A status with a handful of cases still shows a visible bar.
                    "minBarLength": 3,
                }
            ],
        },
        "options": {
            "valueLabels": True,  # app.js prints each bar's number on it
            "layout": {"padding": {"top": 18}},
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}},
        },
    }
    return {
        "template": "cases/_dashboard_cases.html",
        "rows": list(zip(labels, values, strict=True)),
        "total": sum(values),
        "as_of": as_of,
        "chart_json": json.dumps(chart, ensure_ascii=False),
    }


def collector_panel(user) -> dict:
    """A collector's day: calls and conversations today, refusals, what is due."""
    from .selectors.calls import collector_day

    return {"template": "cases/calls/_dashboard_collector.html", **collector_day(user=user)}


# Each area of the workflow registers its panels here (`@panels.register(...)`) from its
# own module (listed in cases.apps.SOURCE_MODULES); part 1's panels are below.
panels = PanelRegistry()


@panels.register(
    "collector-day",
    order=10,
    title=gettext_lazy("My day"),
    roles=(roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR),
)
def _collector_day(user) -> dict | None:
    if has_role(user, roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR):
        return collector_panel(user)
    return None


@panels.register(
    "placements", order=20, title=gettext_lazy("Placements"), roles=(roles.ADMIN_STAFF,)
)
def _placements(user) -> dict | None:
    return placement_panel(user) if has_role(user, roles.ADMIN_STAFF) else None


@panels.register(
    "service-levels",
    order=30,
    title=pgettext_lazy("assignment", "Assignment and service levels"),
    roles=(roles.SUPERVISOR,),
)
def _service_levels(user) -> dict | None:
    if has_role(user, roles.SUPERVISOR):
        from .views.assignment import supervisor_dashboard_panel

        return supervisor_dashboard_panel(user)
    return None


@panels.register(
    "calls-today",
    order=31,
    title=pgettext_lazy("assignment", "Calls today"),
    roles=(roles.SUPERVISOR,),
)
def _calls_today(user) -> dict | None:
    """Calls and conversations today per collector of the branch: a panel of its own (it
    was part of the service levels panel) because it reads the day's call rows, the one
    part of the supervisor's page that grows with the day's calls; apart, both panels load
    side by side."""
    if not has_role(user, roles.SUPERVISOR):
        return None
    from .selectors.assignment import calls_today_by_collector

    rows = calls_today_by_collector(user=user, now=timezone.now())
    return {
        "template": "cases/assignment/_dashboard_calls_today.html",
        "calls_today": rows,
        "calls_today_rows": _calls_today_rows(rows),
    }


def _calls_today_rows(rows: list[dict]) -> str:
    """The "calls today" table's rows (one per collector of the branch, hundreds) as HTML
    built here: the template engine spent ~15-35 ms on them for 200 collectors, half the
    panel's time. The same markup and localised numbers as the template's."""
    return format_html_join(
        "",
        '<tr data-collector="{}"><td><a href="{}">{}</a></td>'
        '<td class="text-end" data-testid="attempts">{}</td>'
        '<td class="text-end" data-testid="conversations">{}</td></tr>',
        (
            (
                row["collector_id"],
                reverse("cases:assignment_collector", args=[row["collector_id"]]),
                row["name"],
                localize(row["attempts"]),
                localize(row["conversations"]),
            )
            for row in rows
        ),
    )


@panels.register(
    "case-status",
    order=90,
    title=gettext_lazy("Cases by status"),
    roles=(roles.SUPERVISOR, roles.BRANCH_MANAGER),
)
def _case_status(user) -> dict | None:
    if has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER):
        return case_status_panel(user)
    return None


def dashboard_panels(user) -> list[dict]:
    return panels.panels_for(user)
