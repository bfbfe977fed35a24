"""Reporting's link in the top navigation (collections_office/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from collections_office.navigation import NavLink, Viewer, registry
from staff import roles

_READERS = frozenset(
    {
        roles.SUPERVISOR,
        roles.BRANCH_MANAGER,
        roles.ADMIN_STAFF,
        roles.FINANCE,
        roles.PHONE_COLLECTOR,
        roles.FIELD_COLLECTOR,
    }
)


def _reads_reports(viewer: Viewer) -> bool:
    return bool(viewer.roles & _READERS) or viewer.is_superuser


registry.register(
    NavLink(
        "nav-report-results", "reports", _("Reports"), "reporting:index", _reads_reports, order=10
    ),
)
