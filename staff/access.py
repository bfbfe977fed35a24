"""Who may open a page: the one role gate every staff page uses (DESIGN §3).

`@role_required(roles.SUPERVISOR, ...)` on a view: the signed-in user must hold
one of the roles (superusers hold them all), else 403. `@role_required()` with
no roles: any staff member (a user with a staff profile, or a superuser).
Which *rows* a user may see is a different question, answered by each model's
`visible_to(user)` queryset method; a gate here never replaces that.

Anonymous users never reach a view (LoginRequiredMiddleware sends them to the
login page); the decorator sends them there too, so a view marked
`login_not_required` by mistake still does not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .selectors import has_role, profile_of


def user_has_roles(user, roles: Iterable[str]) -> bool:
    """One of `roles` (superusers: any); no roles = any staff member."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = tuple(roles)
    if not roles:
        return getattr(user, "is_superuser", False) or profile_of(user) is not None
    return has_role(user, *roles)


def check_roles(user, roles: Iterable[str]) -> None:
    """Raises PermissionDenied unless `user` holds one of `roles` (see `user_has_roles`)."""
    if not user_has_roles(user, roles):
        raise PermissionDenied


def role_required(*roles: str) -> Callable:
    """View decorator: one of `roles` (none given: any staff member), else 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not getattr(request.user, "is_authenticated", False):
                return redirect_to_login(request.get_full_path())
            check_roles(request.user, roles)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator
