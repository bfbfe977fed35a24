"""The reporting panels of the landing dashboard, one registry (collections_office.panels):
failed report runs for admin staff here; the figures panels of each role (collectors'
week, supervisors' team, branches side by side) in reporting.dashboard_panels, which
registers them when the app is ready."""

from django.utils.translation import gettext_lazy

from collections_office.panels import PanelRegistry
from staff import roles
from staff.selectors import has_role

from .selectors import runs_failed_recently

panels = PanelRegistry()


def dashboard_panels(user) -> list[dict]:
    return panels.panels_for(user)


@panels.register(
    "report-runs-failed",
    order=95,
    title=gettext_lazy("Report runs that failed"),
    roles=(roles.ADMIN_STAFF,),
)
def _failed_runs(user) -> dict | None:
    if not has_role(user, roles.ADMIN_STAFF):
        return None
    failed = list(runs_failed_recently(user=user))
    if not failed:
        return None
    return {"template": "reporting/_dashboard_failed.html", "failed": failed}
