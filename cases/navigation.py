"""The cases app's links in the top navigation (collections_office/navigation.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collections_office.navigation import NavLink, registry, to_roles
from staff import roles

registry.register(
    NavLink(
        "nav-queue",
        "work",
        _("My queue"),
        "cases:queue",
        to_roles(roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR),
        order=10,
    ),
    NavLink(
        "nav-cases",
        "work",
        _("Cases"),
        "cases:case_list",
        to_roles(roles.ADMIN_STAFF, roles.SUPERVISOR, roles.BRANCH_MANAGER),
        order=20,
    ),
    NavLink(
        "nav-visits",
        "work",
        _("Visits"),
        "cases:visit_list",
        to_roles(roles.FIELD_COLLECTOR, roles.SUPERVISOR, roles.BRANCH_MANAGER),
        order=30,
    ),
    NavLink(
        "nav-assignment",
        "work",
        pgettext_lazy("assignment", "Assignment"),
        "cases:assignment",
        to_roles(roles.SUPERVISOR),
        order=40,
    ),
    NavLink(
        "nav-compliance",
        "work",
        _("Compliance"),
        "cases:compliance",
        to_roles(
            roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR
        ),
        order=50,
    ),
    NavLink(
        "nav-payments",
        "money",
        _("Payments"),
        "cases:payments",
        to_roles(roles.SUPERVISOR, roles.FINANCE),
        order=10,
    ),
    NavLink(
        "nav-reports",
        "reports",
        _("Weekly reports"),
        "cases:weekly_reports",
        to_roles(roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.PHONE_COLLECTOR),
        order=20,
    ),
    NavLink(
        "nav-statements",
        "money",
        _("Statements"),
        "cases:statements",
        to_roles(roles.FINANCE),
        order=20,
    ),
    NavLink(
        "nav-repayment-files",
        "admin",
        _("Repayment files"),
        "cases:repayment_file_list",
        to_roles(roles.ADMIN_STAFF),
        order=15,
    ),
    NavLink(
        "nav-placements",
        "admin",
        _("Placements"),
        "cases:placement_list",
        to_roles(roles.ADMIN_STAFF),
        order=10,
    ),
    NavLink(
        "nav-banks",
        "admin",
        _("Banks"),
        "cases:bank_list",
        to_roles(roles.ADMIN_STAFF),
        order=20,
    ),
)
