"""Scoping battery routes: the bank API (asked with bank A's key).

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from .money import repayment_file_of

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # bank API (asked with bank A's key)
    "bank_api:placement-detail": lambda f: {"pk": f.placement.pk},
    "bank_api:placement-errors": lambda f: {"pk": f.placement.pk},
    "bank_api:case-detail": lambda f: {"pk": f.case.pk},
    "bank_api:case-recall": lambda f: {"pk": f.case.pk},
    "bank_api:repayment-detail": lambda f: {"pk": repayment_file_of(f).pk},
    "bank_api:repayment-errors": lambda f: {"pk": repayment_file_of(f).pk},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {}
