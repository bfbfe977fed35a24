"""`seed_demo`'s repayment file (issue 13): matched rows, an amount difference, a bank-only
row, an agency-only payment and a rejected row, through the real receive and import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import demo_repayments
from cases.models import BankRepayment, Payment, RepaymentFile
from collections_office.workdays import company_today
from tests.cases.api.builders import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(staff_user, branch_a):
    from staff import roles

    return (
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.demo"),
        staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.demo"),
    )


def _confirmed(people, case, amount: str, days_ago: int) -> Payment:
    collector, supervisor = people
    return Payment.objects.create(
        claimed_by=collector,
        confirmed_by=supervisor,
        case=case,
        amount=Decimal(amount),
        paid_on=company_today() - dt.timedelta(days=days_ago),
        channel="to_bank",
        status=Payment.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )


def test_the_demo_file_has_each_kind_of_line_and_a_second_run_changes_nothing(
    agreement_a, agreement_b, people
):
    cases = [make_case(agreement_a, account_no=f"DEMO-{n}") for n in range(6)]
    payments = [
        _confirmed(people, cases[0], "500.00", 6),  # left out: agency-only
        _confirmed(people, cases[1], "400.00", 5),  # in the file 50.00 lower
        _confirmed(people, cases[2], "300.00", 4),
        _confirmed(people, cases[3], "250.00", 3),
    ]
    _confirmed(
        people, make_case(agreement_b, account_no="OTHER-1"), "10.00", 3
    )  # fewer: not chosen

    out = io.StringIO()
    summary = demo_repayments.seed(stdout=out)

    repayment_file = RepaymentFile.objects.get()
    assert repayment_file.agreement == agreement_a
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (4, 1)
    assert summary == {"repayment_files": 1, "repayments": 4}
    got = {
        (repayment.case_id, repayment.amount, repayment.paid_on)
        for repayment in BankRepayment.objects.all()
    }
    matched = {(p.case_id, p.amount, p.paid_on) for p in payments[2:]}
    assert matched <= got
    assert (payments[1].case_id, Decimal("350.00"), payments[1].paid_on) in got
    assert not any(case_id == payments[0].case_id for case_id, _a, _d in got)
    bank_only = got - matched - {(payments[1].case_id, Decimal("350.00"), payments[1].paid_on)}
    [(case_id, amount, _day)] = bank_only
    assert case_id in {case.pk for case in cases[4:]} and amount == Decimal("200.00")
    [error] = repayment_file.row_errors.all()
    assert error.message == "The bank never placed this account with the agency."

    assert demo_repayments.seed() == {}
    assert RepaymentFile.objects.count() == 1 and BankRepayment.objects.count() == 4
