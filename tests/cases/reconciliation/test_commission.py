"""Commission on a statement: the rate of the case's overdue bucket on the payment date,
only for cases placed with the agency that day (cases.commission, one home for the rule)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Agreement, AgreementCommissionRate
from cases.services.statements import statement_prepare
from tests.cases.conftest import AgreementFactory

from .conftest import NOVEMBER, assigned_case, nov, payment, repayment, repayment_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_bucket(bank_a, branch_a):
    agreement = AgreementFactory(
        bank=bank_a,
        branch=branch_a,
        number="A-BUCKET",
        commission_type=Agreement.CommissionType.BY_BUCKET,
        flat_rate=None,
    )
    AgreementCommissionRate.objects.create(agreement=agreement, bucket="M1", rate=Decimal("0.1000"))
    AgreementCommissionRate.objects.create(agreement=agreement, bucket="M2", rate=Decimal("0.1500"))
    return agreement


def test_commission_follows_the_bucket_on_the_payment_date(at_today, by_bucket, collector_a):
    placed = timezone.make_aware(dt.datetime(2026, 9, 1, 9))
    # Overdue since 10 October: on 5 November 26 days (M1), on 25 November 46 days (M2).
    case = assigned_case(
        by_bucket,
        collector_a,
        account_no="B-1",
        placed_at=placed,
        overdue_since=dt.date(2026, 10, 10),
    )
    # Placed only on 20 November: its repayment of the 10th earns nothing.
    late_case = assigned_case(
        by_bucket,
        collector_a,
        account_no="B-2",
        placed_at=timezone.make_aware(dt.datetime(2026, 11, 20, 9)),
        overdue_since=dt.date(2026, 10, 10),
    )
    file = repayment_file(by_bucket)
    for day, amount in ((5, "100.00"), (25, "333.33")):
        payment(case, amount=amount, paid_on=nov(day), claimed_by=collector_a)
        repayment(file, account_no="B-1", amount=amount, paid_on=nov(day), case=case)
    payment(late_case, amount="500.00", paid_on=nov(10), claimed_by=collector_a)
    repayment(file, account_no="B-2", amount="500.00", paid_on=nov(10), case=late_case)

    statement = statement_prepare(agreement=by_bucket, month=NOVEMBER)

    got = {
        (line.account_no, line.repayment_paid_on.day): (line.commission_rate, line.commission)
        for line in statement.lines.filter(kind="matched")
    }
    assert got == {
        ("B-1", 5): (Decimal("0.1000"), Decimal("10.00")),
        ("B-1", 25): (Decimal("0.1500"), Decimal("50.00")),  # 49.9995 rounded half up
        ("B-2", 10): (Decimal("0.0000"), Decimal("0.00")),
    }
    assert statement.commission_total == Decimal("60.00")
    assert statement.commission_base == Decimal("433.33")  # the placed case's money only


def test_one_sided_lines_earn_no_commission(november, agreement_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    assert set(statement.lines.exclude(kind="matched").values_list("commission", flat=True)) == {
        Decimal("0.00")
    }
