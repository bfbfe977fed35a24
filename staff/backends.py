"""Password sign-in for staff: Django's model backend, minus demo logins in production."""

from __future__ import annotations

from django.conf import settings
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
