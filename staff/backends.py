"""Password sign-in for staff: Django's model backend, minus demo logins in production."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

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
                .get(pk=user_id)
            )
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
