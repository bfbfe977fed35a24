"""The front desk's links in the top navigation (collections_office/navigation.py):
the desk's visitor log for front-desk staff, everyone else's items left at reception."""

from django.utils.translation import gettext_lazy as _

from collections_office.navigation import NavLink, Viewer, registry, to_roles
from staff import roles


def _not_at_the_desk(viewer: Viewer) -> bool:
    return bool(viewer.roles) and roles.FRONT_DESK not in viewer.roles


registry.register(
    NavLink(
        "nav-frontdesk",
        "desk",
        _("Front desk"),
        "frontdesk:visit_list",
        to_roles(roles.FRONT_DESK),
        order=10,
    ),
    NavLink(
        "nav-reception",
        "desk",
        _("Reception"),
        "frontdesk:my_items",
        _not_at_the_desk,
        order=20,
    ),
)
