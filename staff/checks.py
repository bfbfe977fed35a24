"""System checks that stop production while `seed_demo`'s logins are usable.

They run with every `manage.py` command that checks (`migrate`, `check --deploy`, …)
and when the WSGI application starts (`collections_office/wsgi.py`), and only
with DJANGO_ENV=production: development and tests live on demo data.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

# Checks tagged REFUSE_TO_SERVE_TAG also stop the web app from starting in production.
from collections_office.startup import REFUSE_TO_SERVE_TAG

DEMO_DATA_TAG = "demo_data"

REMEDY = "Run `manage.py demo_disable` (deactivates demo logins, revokes demo keys)."


@checks.register(DEMO_DATA_TAG, REFUSE_TO_SERVE_TAG)
def demo_accounts_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    from .selectors import demo_accounts_able_to_sign_in

    try:
        names = list(demo_accounts_able_to_sign_in().values_list("username", flat=True)[:6])
    except DatabaseError:
        # Not migrated yet (or unreachable): nothing seeded can sign in through it either,
        # and the login backend refuses demo accounts on its own.
        return []
    if not names:
        return []
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return [
        checks.Error(
            f"Demo accounts can sign in with the published demo password: {shown}.",
            hint=REMEDY,
            id="staff.E001",
        )
    ]
