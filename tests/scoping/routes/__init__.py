"""The scoping battery's registry, one module per area (tests/test_scoping_battery.py).

Each area module holds ROUTES (URL name → kwargs pointing at a foreign row) and SHARED
(URL name → roles that see the foreign row by design, with the reason). A new area
adds a module here and to AREAS.
"""

from __future__ import annotations

from . import bank_api, cases, frontdesk, money, reporting, retention, staff

AREAS = (staff, cases, money, frontdesk, reporting, bank_api, retention)

ROUTES: dict = {}
SHARED: dict = {}
for _area in AREAS:
    _clash = set(ROUTES) & set(_area.ROUTES)
    assert not _clash, f"routes registered twice: {_clash}"
    ROUTES.update(_area.ROUTES)
    SHARED.update(_area.SHARED)
