"""The staff app's links in the top navigation (collections_office/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from collections_office.navigation import (
    NavLink,
    Viewer,
    registry,
    to_role_holders,
    to_roles,
    to_staff_members,
)

from . import roles


def _decides_or_requests(viewer: Viewer) -> bool:
    return viewer.profile is not None or viewer.is_superuser


registry.register(
    NavLink(
        "nav-approvals", "work", _("Approvals"), "staff:approvals", _decides_or_requests, order=60
    ),
    NavLink(
        "nav-attendance",
        "people",
        _("Attendance & leave"),
        "staff:attendance",
        to_staff_members,
        order=10,
    ),
    NavLink(
        "nav-talent", "people", _("Training"), "staff:training_mine", to_role_holders, order=20
    ),
    NavLink("nav-promotion", "people", _("Promotion"), "promotion:mine", to_role_holders, order=30),
    NavLink(
        "nav-assessments",
        "people",
        _("Assessments"),
        "staff:assessments",
        to_role_holders,
        order=40,
    ),
    NavLink(
        "nav-staff",
        "people",
        _("Staff"),
        "staff:directory",
        to_roles(
            roles.SUPERVISOR,
            roles.BRANCH_MANAGER,
            roles.HR,
            roles.ADMIN_STAFF,
            roles.DEPARTMENT_HEAD,
            roles.FRONT_DESK,
            roles.COMMITTEE,
        ),
        order=50,
    ),
)
