"""Template context every page needs: who the user is, for the navigation."""

from .roles import ALL_ROLES, ROLE_LABELS
from .selectors import has_role, profile_of, sees_all_branches


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for role in ALL_ROLES if has_role(user, role)}
    return {
        "nav_roles": roles,
        "nav_role_labels": [ROLE_LABELS[r] for r in ALL_ROLES if r in roles],
        "nav_profile": profile_of(user),
        "nav_sees_all_branches": sees_all_branches(user),
    }
