"""Test data for the bank API and the case pages: keys, placements, debtors, cases.

Rows are built directly (not through the import) so these tests do not depend
on the intake engine; the import has its own tests in tests/cases/intake/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

from django.utils import timezone

from cases.models import Case, ContactPoint, Debtor, Placement, PlacementRowError
from cases.services.banks import api_key_issue
from collections_office.workdays import company_today

_counter = itertools.count(1)

ID_NUMBER = "110101199003078515"  # a valid checksum
PHONE = "+8613812345678"
CARD = "622588******1234"


def issue_key(bank, **kwargs):
    """(key object, raw key) for `bank`."""
    kwargs.setdefault("name", "test key")
    return api_key_issue(bank=bank, actor=None, **kwargs)


def bearer(raw_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def make_placement(agreement, *, status=Placement.Status.COMPLETED, **fields) -> Placement:
    n = next(_counter)
    content = f"placement {n}".encode()
    defaults = {
        "bank": agreement.bank,
        "agreement": agreement,
        "status": status,
        "original_file": f"placements/test-{n}.csv",
        "original_name": f"test-{n}.csv",
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "rows_total": 10,
        "rows_done": 10 if status == Placement.Status.COMPLETED else 0,
        "rows_created": 8,
        "rows_rejected": 2,
    }
    defaults.update(fields)
    return Placement.objects.create(**defaults)


def make_row_errors(placement, count: int = 2) -> list[PlacementRowError]:
    return [
        PlacementRowError.objects.create(
            placement=placement,
            row_number=index + 2,
            column="id_number",
            message=f'=HYPERLINK("http://evil") bad checksum {index}',
        )
        for index in range(count)
    ]


def make_debtor(*, name="Zhang San", id_number=ID_NUMBER, phones=(PHONE,), address="") -> Debtor:
    debtor = Debtor.objects.create(
        name=name, id_number=id_number, id_kind=Debtor.IdKind.RESIDENT if id_number else "none"
    )
    for phone in phones:
        ContactPoint.objects.create(debtor=debtor, kind=ContactPoint.Kind.PHONE, value=phone)
    if address:
        ContactPoint.objects.create(debtor=debtor, kind=ContactPoint.Kind.ADDRESS, value=address)
    return debtor


def make_case(agreement, *, placement=None, debtor=None, account_no=None, **fields) -> Case:
    n = next(_counter)
    placement = placement or make_placement(agreement)
    if debtor is None:
        debtor = make_debtor(id_number=f"1101011990{n:07d}X")
    defaults = {
        "bank": agreement.bank,
        "agreement": agreement,
        "branch": agreement.branch,
        "debtor": debtor,
        "last_placement": placement,
        "account_no": account_no or f"ACC{n:06d}",
        "principal": Decimal("1000.00"),
        "interest": Decimal("50.50"),
        "fees": Decimal("10.00"),
        "overdue_since": company_today() - dt.timedelta(days=45),
        "card_no_masked": CARD,
        "placed_at": timezone.now(),
    }
    defaults.update(fields)
    return Case.objects.create(**defaults)
