"""The agency's commission on money collected: one home for the rule (DESIGN §4.1, §8).

Commission is earned on a repayment of a case that was placed with the agency on the
day it was paid: the agreement's flat rate, or — for agreements paid by bucket — the
agreement's rate for the overdue bucket the case was in *on that day* (the bucket
moves as the account ages; the rate of the day it was paid is the one the bank
agreed to). No rate for the bucket → no commission (0), never an error.

Two forms of the same rule: `commission_rate()` for one row in Python and
`with_commission()` for a queryset (reconciliation and the finance report run it
over hundreds of thousands of rows in one statement). A test holds them equal.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncDate

from collections_office.workdays import company_tz, local_date

from .models import Agreement, AgreementCommissionRate, overdue_bucket

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATE_FIELD = DecimalField(max_digits=7, decimal_places=6)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# The bucket edges of `overdue_bucket()` (cases/models/banks.py), in days overdue.
_BUCKET_EDGES = ((30, "M1"), (60, "M2"), (90, "M3"), (180, "M4-6"))


def placed_on(case, on: dt.date) -> bool:
    """Was the case with the agency on that day? Placed by the end of it, and not
    recalled before it began (a recall on the day itself still counts: the money
    came in while the case was ours)."""
    if case.placed_at is None or local_date(case.placed_at) > on:
        return False
    return case.recalled_at is None or local_date(case.recalled_at) >= on


def commission_rate(agreement: Agreement, case, on: dt.date) -> Decimal:
    """The agency's rate for money paid on `on` on `case` (0 when none applies)."""
    if not placed_on(case, on):
        return ZERO
    if agreement.commission_type == Agreement.CommissionType.FLAT:
        return agreement.flat_rate or ZERO
    bucket = overdue_bucket(case.overdue_since, on)
    if bucket is None:
        return ZERO
    rate = (
        AgreementCommissionRate.objects.filter(agreement=agreement, bucket=bucket)
        .values_list("rate", flat=True)
        .first()
    )
    return rate if rate is not None else ZERO


def commission_on(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _bucket_expression():
    """The case's overdue bucket on the row's date (alias `_days_overdue`), in SQL, with
    the edges of the Python function."""
    return SqlCase(
        *(
            When(_days_overdue__lte=dt.timedelta(days=edge), then=Value(bucket))
            for edge, bucket in _BUCKET_EDGES
        ),
        default=Value("M6+"),
        output_field=models.CharField(),
    )


def with_commission(queryset, *, case: str = "case", amount: str = "amount", on: str = "paid_on"):
    """`queryset` annotated with `commission_rate` and `commission` per row.

    `case` names the row's case relation, `amount` its amount and `on` its payment
    date. Rows of cases not placed with the agency that day get rate 0 and commission
    0. Rounded to cents half-up, like `commission_on()`.
    """
    tz = company_tz()
    queryset = queryset.alias(
        _days_overdue=ExpressionWrapper(
            F(on) - F(f"{case}__overdue_since"), output_field=models.DurationField()
        )
    ).alias(
        _commission_bucket=_bucket_expression(),
        _placed_day=TruncDate(f"{case}__placed_at", tzinfo=tz),
        _recalled_day=TruncDate(f"{case}__recalled_at", tzinfo=tz),
    )
    bucket_rate = AgreementCommissionRate.objects.filter(
        agreement=OuterRef(f"{case}__agreement"), bucket=OuterRef("_commission_bucket")
    ).values("rate")[:1]
    placed = Q(_placed_day__lte=F(on)) & (
        Q(**{f"{case}__recalled_at__isnull": True}) | Q(_recalled_day__gte=F(on))
    )
    rate = SqlCase(
        When(~placed, then=Value(ZERO)),
        When(
            **{f"{case}__agreement__commission_type": Agreement.CommissionType.FLAT},
            then=Coalesce(F(f"{case}__agreement__flat_rate"), Value(ZERO)),
        ),
        When(**{f"{case}__overdue_since__isnull": True}, then=Value(ZERO)),
        default=Coalesce(Subquery(bucket_rate, output_field=RATE_FIELD), Value(ZERO)),
        output_field=RATE_FIELD,
    )
    return queryset.annotate(commission_rate=rate).annotate(
        commission=Round(
            ExpressionWrapper(F(amount) * F("commission_rate"), output_field=MONEY_FIELD),
            2,
            output_field=MONEY_FIELD,
        )
    )
