"""Password sign-in for staff: Django's model backend, minus demo logins in production."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.expressions import RawSQL

from .selectors import is_demo


class StaffModelBackend(ModelBackend):
    """Refuses `seed_demo`'s accounts in production (their password is published).

    The system check stops the start while such accounts are active; this is the
    second lock, for a demo account re-activated by hand on a running server. It
    also ends their open sessions (`get_user` asks the same question).
    """

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not (settings.PRODUCTION and is_demo(user))

    def get_user(self, user_id):
        """The signed-in user of a request, with their staff profile and its branch in the
        same query: every page reads both (the language, the branch scoping), which cost
        two more queries a page. No profile: `profile_of` answers None as before."""
        try:
            user = (
                get_user_model()
                ._default_manager.select_related("staff_profile__branch")
                .annotate(role_names_json=_role_names())
                .get(pk=user_id)
            )
        except get_user_model().DoesNotExist:
            return None
        # The roles too (`has_role` reads this set first): one query less on every page.
        names = user.role_names_json
        user._role_names_cache = set(json.loads(names) if isinstance(names, str) else names or ())
        return user if self.user_can_authenticate(user) else None


def _role_names() -> RawSQL:
    """The user's group names as a JSON array, in the user's own query (a correlated
    subquery over the user's row, `auth_user`). JSON, not a joined string: a group name
    may hold any character, and must never split into something that reads as a role."""
    aggregate = "json_agg" if connection.vendor == "postgresql" else "json_group_array"
    # Fixed SQL: the only variable is one of the two function names above.
    return RawSQL(  # noqa: S611
        f'SELECT {aggregate}("auth_group"."name") FROM "auth_group" '  # noqa: S608
        'INNER JOIN "auth_user_groups" ON "auth_user_groups"."group_id" = "auth_group"."id" '
        'WHERE "auth_user_groups"."user_id" = "auth_user"."id"',
        [],
    )
