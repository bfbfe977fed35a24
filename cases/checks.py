"""System check that stops production while a demo bank API key works (see staff/checks.py)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from collections_office.startup import REFUSE_TO_SERVE_TAG
from staff.checks import DEMO_DATA_TAG, REMEDY


@checks.register(DEMO_DATA_TAG, REFUSE_TO_SERVE_TAG)
def demo_api_keys_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    from .selectors import demo_api_keys_usable

    try:
        prefixes = list(demo_api_keys_usable().values_list("prefix", flat=True)[:6])
    except DatabaseError:
        return []  # not migrated: no key can authenticate either
    if not prefixes:
        return []
    return [
        checks.Error(
            f"Demo bank API keys are not revoked: {', '.join(prefixes[:5])}.",
            hint=REMEDY,
            id="cases.E001",
        )
    ]
