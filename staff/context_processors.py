"""Template context every page needs: who the user is, for the navigation."""

from functools import cache

from collections_office.navigation import Viewer, registry

from .roles import ALL_ROLES, ROLE_LABELS
from .selectors import has_role, profile_of, sees_all_branches


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for role in ALL_ROLES if has_role(user, role)}
    profile = profile_of(user)

    # Built only when a template shows the bar (fragments and exports never ask for it).
    @cache
    def menus():
        viewer = Viewer(user=user, roles=frozenset(roles), profile=profile)
        return registry.menus_for(viewer, path=request.path)

    return {
        "nav_roles": roles,
        "nav_role_labels": [ROLE_LABELS[r] for r in ALL_ROLES if r in roles],
        "nav_profile": profile,
        "nav_sees_all_branches": sees_all_branches(user),
        "nav_menus": menus,
    }
