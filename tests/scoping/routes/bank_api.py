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
    "bank_api:statement-detail": lambda f: {"pk": _statement_of(f).pk},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {}


def _statement_of(f):
    """A published statement of the side's agreement (made once per side)."""
    if getattr(f, "statement", None):
        return f.statement
    import datetime as dt

    from django.utils import timezone

    from cases.models import Statement

    f.statement = Statement.objects.create(
        agreement=f.case.agreement,
        bank=f.case.bank,
        month=dt.date(2026, 1, 1),
        tolerance_days=3,
        prepared_at=timezone.now(),
        status=Statement.Status.PUBLISHED,
        approved_by=f.supervisor,
        approved_at=timezone.now(),
        published_by=f.supervisor,
        published_at=timezone.now(),
    )
    return f.statement
