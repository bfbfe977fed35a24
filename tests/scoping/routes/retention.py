"""Scoping battery routes: the retention purge (issue 13).

The rules are in tests/test_scoping_battery.py's docstring. A purge list is headquarters'
admin staff's alone: every branch role gets a 404 (or the role's 403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    "cases:retention_purge": lambda f: {"pk": _purge(f.agreement).pk},
}

# URL name → roles that see the foreign row by design, and why.
SHARED: dict[str, tuple[str, ...]] = {}


def _purge(agreement):
    from cases.models import RetentionPurge

    return RetentionPurge.objects.get_or_create(
        agreement=agreement,
        defaults={
            "retention_ended_on": dt.date(2020, 1, 1),
            "status": RetentionPurge.Status.DONE,
            "planned": {"cases.Case": 1},
        },
    )[0]
