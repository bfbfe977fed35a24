"""The reporting panel of the landing dashboard: failed report runs, for admin staff."""

from staff import roles
from staff.selectors import has_role

from .selectors import runs_failed_recently


def dashboard_panels(user) -> list[dict]:
    if not has_role(user, roles.ADMIN_STAFF):
        return []
    failed = list(runs_failed_recently(user=user))
    if not failed:
        return []
    return [{"template": "reporting/_dashboard_failed.html", "failed": failed}]
