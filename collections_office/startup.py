"""What the web process checks before it serves (gunicorn runs no system checks)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Apps tag the checks that must stop a production web process from starting (staff:
# seed_demo's published logins or keys are usable). Asked through the check framework,
# so this module imports no app.
REFUSE_TO_SERVE_TAG = "refuse_to_serve"


def refuse_to_serve_if_unsafe() -> None:
    """In production, raises while a check tagged REFUSE_TO_SERVE_TAG fails."""
    if not settings.PRODUCTION:
        return
    errors = [m for m in checks.run_checks(tags=[REFUSE_TO_SERVE_TAG]) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start in production: "
            + " ".join(f"{error.msg} {error.hint}" for error in errors)
        )
