"""`seed_demo`'s monthly reconciliations: for the first demo agreement, the month before
last reconciled, approved and published by HQ finance, and last month reconciled and
waiting as a draft — each with every kind of line (matched the same day and a few days
apart, an amount difference, agency only, bank only, an account the agency never held,
and a tie: two equal payments for one repayment).

The agency's side is claimed through the payments service by the case's collector; the
bank's side is a completed repayment file of its own (`demo-reconciliation-YYYY-MM.csv`),
separate from the repayment file the repayment demo seeds. The twelve cases used are
dated as placed a month before (the demo places its cases today). Idempotent: an agreement with a
statement for the month before last is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from staff import roles

from .models import Agreement, BankRepayment, Case, RepaymentFile, Statement
from .services.payments import payment_claim
from .services.promises import company_today
from .services.statements import (
    month_bounds,
    statement_approve,
    statement_prepare,
    statement_publish,
)


def _previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def _claim(case: Case, amount: str, paid_on: dt.date):
    case.refresh_from_db()
    amount = min(Decimal(amount), case.balance)
    return payment_claim(
        case=case,
        actor=case.assigned_to,
        amount=amount,
        paid_on=paid_on,
        channel="to_bank",
        reference=f"RECON-{case.pk}-{paid_on:%m%d}",
    )


def _month(agreement: Agreement, cases: list[Case], month: dt.date) -> None:
    """Payments and a bank file for `month` giving every kind of line."""
    first, _last = month_bounds(month)
    day = first + dt.timedelta(days=4)
    same, near, differ, agency_only, bank_only, tie = cases
    bank_rows = []  # (case or None, account, amount, paid_on)
    for case, amount in ((same, "120.00"), (near, "80.00"), (differ, "300.00")):
        _claim(case, amount, day)
    bank_rows.append((same, same.account_no, _paid(same, day), day))
    bank_rows.append((near, near.account_no, _paid(near, day), day + dt.timedelta(days=2)))
    bank_rows.append((differ, differ.account_no, _paid(differ, day) - Decimal("10.00"), day))
    _claim(agency_only, "50.00", day + dt.timedelta(days=3))
    bank_rows.append(
        (bank_only, bank_only.account_no, Decimal("70.00"), day + dt.timedelta(days=6))
    )
    bank_rows.append((None, f"X{month:%Y%m}0001", Decimal("40.00"), day + dt.timedelta(days=7)))
    for _ in range(2):
        _claim(tie, "60.00", day + dt.timedelta(days=8))
    bank_rows.append(
        (tie, tie.account_no, _paid(tie, day + dt.timedelta(days=8)), day + dt.timedelta(days=8))
    )
    content = "account_no,amount,paid_on,reference\n" + "".join(
        f"{account},{amount},{paid_on},DEMO-RECON-{month:%Y%m}-{index}\n"
        for index, (_case, account, amount, paid_on) in enumerate(bank_rows, start=1)
    )
    data = content.encode()
    repayment_file = RepaymentFile(
        bank=agreement.bank,
        agreement=agreement,
        status=RepaymentFile.Status.COMPLETED,
        original_name=f"demo-reconciliation-{month:%Y-%m}.csv",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        rows_total=len(bank_rows),
        rows_done=len(bank_rows),
        rows_imported=len(bank_rows),
    )
    repayment_file.original_file.save(repayment_file.original_name, ContentFile(data), save=False)
    repayment_file.save()
    BankRepayment.objects.bulk_create(
        BankRepayment(
            repayment_file=repayment_file,
            bank=agreement.bank,
            agreement=agreement,
            case=case,
            account_no=account,
            amount=amount,
            paid_on=paid_on,
            reference=f"DEMO-RECON-{month:%Y%m}-{index}",
            row=index + 1,
        )
        for index, (case, account, amount, paid_on) in enumerate(bank_rows, start=1)
    )


def _paid(case: Case, paid_on: dt.date) -> Decimal:
    """What the case's first claim of that day came to (claims are capped at the balance)."""
    return case.payments.filter(paid_on=paid_on).order_by("pk").values_list("amount", flat=True)[0]


def seed(*, stdout=None) -> dict:
    finance = get_user_model().objects.filter(groups__name=roles.FINANCE, username="hq.finance")
    finance = finance.first()
    agreement = Agreement.objects.order_by("pk").first()
    if finance is None or agreement is None:
        return {}
    this_month = company_today().replace(day=1)
    last_month = _previous_month(this_month)
    month_before = _previous_month(last_month)
    if Statement.objects.filter(agreement=agreement, month=month_before).exists():
        return {}
    cases = list(
        Case.objects.filter(agreement=agreement, assigned_to__isnull=False, recalled_at=None)
        .exclude(payments__isnull=False)
        .order_by("pk")[:12]
    )
    if len(cases) < 12:
        return {}
    with transaction.atomic():
        # The demo places its cases today; these were with the agency in those months
        # (commission is earned only on cases placed on the day paid).
        placed = timezone.make_aware(dt.datetime.combine(month_before, dt.time(9)))
        Case.objects.filter(pk__in=[case.pk for case in cases]).update(
            placed_at=placed - dt.timedelta(days=30)
        )
        _month(agreement, cases[:6], month_before)
        _month(agreement, cases[6:], last_month)
        approved = statement_prepare(agreement=agreement, month=month_before)
        statement_approve(statement=approved, actor=finance)
        statement_publish(statement=approved, actor=finance)
        draft = statement_prepare(agreement=agreement, month=last_month)
    if stdout:
        stdout.write(
            f"cases: statements for {agreement}: {month_before:%Y-%m} published, "
            f"{last_month:%Y-%m} draft ({draft.lines.count()} lines)"
        )
    return {"published": approved.pk, "draft": draft.pk}
