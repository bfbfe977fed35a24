"""Dashboard panels of field visits and collection periods (DESIGN §4.5, §4.6).

Supervisors: open safety alerts (first, until acknowledged), overdue visits, visit
reports waiting for review, cases past their collection period without an approved
extension. Field collectors: their visits still to make.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from staff import roles
from staff.selectors import has_role

from .dashboard import panels
from .models import VisitNomination
from .selectors import procedures as procedure_selectors
from .selectors import visits as visit_selectors
from .selectors.assignment import capped_count

SHOWN = 10


@panels.register(
    "safety-alerts",
    order=1,
    title=gettext_lazy("Safety alerts from field visits"),
    roles=(roles.SUPERVISOR,),
)
def safety_alerts_panel(user) -> dict | None:
    if not has_role(user, roles.SUPERVISOR):
        return None
    alerts = list(visit_selectors.open_alerts(user=user).order_by("raised_at")[:SHOWN])
    if not alerts:
        return None
    return {"template": "cases/visits/_dashboard_alerts.html", "alerts": alerts}


@panels.register(
    "visits-supervisor",
    order=35,
    title=gettext_lazy("Field visits"),
    roles=(roles.SUPERVISOR,),
)
def visits_supervisor_panel(user) -> dict | None:
    if not has_role(user, roles.SUPERVISOR):
        return None
    overdue = visit_selectors.overdue_visits(user=user).order_by("due_at")
    waiting = visit_selectors.reports_waiting(user=user).order_by("submitted_at")
    return {
        "template": "cases/visits/_dashboard_supervisor.html",
        "overdue": list(overdue[:SHOWN]),
        "overdue_count": overdue.count(),
        "waiting": list(waiting[:SHOWN]),
        "waiting_count": waiting.count(),
        "now": timezone.now(),
    }


@panels.register(
    "periods-over",
    order=36,
    title=gettext_lazy("Past the collection period"),
    roles=(roles.SUPERVISOR,),
)
def periods_panel(user) -> dict | None:
    if not has_role(user, roles.SUPERVISOR):
        return None
    cases = procedure_selectors.cases_past_period(user=user)
    # Counted up to a cap (an index walk that stops), not over the whole case table.
    count, more = capped_count(cases)
    return {
        "template": "cases/procedures/_dashboard_periods.html",
        "cases": list(cases[:SHOWN]),
        "count": count,
        "more": more,
    }


@panels.register(
    "visits-field", order=11, title=gettext_lazy("My visits"), roles=(roles.FIELD_COLLECTOR,)
)
def visits_field_panel(user) -> dict | None:
    if not has_role(user, roles.FIELD_COLLECTOR):
        return None
    waiting = visit_selectors.visit_list(user=user).filter(
        field_collector=user, status=VisitNomination.Status.NOMINATED
    )
    return {
        "template": "cases/visits/_dashboard_field.html",
        "count": waiting.count(),
        "overdue": waiting.filter(due_at__lt=timezone.now()).count(),
    }
