"""`seed_demo`'s bank repayment file: one agreement's repayments as the bank reports them.

Built from the demo's confirmed payments (cases.demo_money runs first) of the agreement
with the most of them, so that the reconciliation has each kind of line to show:

- every confirmed payment but one is in the file with the same account, amount and
  date (matched), the one left out stays agency-only;
- one of them with an amount 50.00 lower (an amount difference);
- one repayment on a placed case the agency recorded nothing for (bank-only);
- one row for an account the bank never placed (rejected, shown on the file's page).

The file goes through the real path (`repayment_file_receive`, then the import run
here synchronously). Idempotent: an agreement that has a repayment file is left alone.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Q

from .models import Agreement, Case, Payment, RepaymentFile

HEADER = ["账号", "还款金额", "还款日期", "交易流水号"]
AMOUNT_DIFFERENCE = Decimal("50.00")
BANK_ONLY_AMOUNT = Decimal("200.00")


def demo_agreement() -> Agreement | None:
    """The agreement whose cases have the most confirmed payments (None: no payments)."""
    return (
        Agreement.objects.annotate(
            confirmed=Count(
                "cases__payments", filter=Q(cases__payments__status=Payment.Status.CONFIRMED)
            )
        )
        .filter(confirmed__gt=0)
        .order_by("-confirmed", "pk")
        .first()
    )


def demo_rows(agreement: Agreement) -> list[list[str]]:
    """The file's rows: see the module docstring."""
    payments = list(
        Payment.objects.filter(case__agreement=agreement, status=Payment.Status.CONFIRMED)
        .select_related("case")
        .order_by("paid_on", "pk")
    )
    if len(payments) < 3:
        return []
    code = agreement.bank.code.upper()
    rows = []
    # The first payment is left out (agency-only); the second differs in amount.
    for index, payment in enumerate(payments[1:]):
        amount = payment.amount
        if index == 0 and amount > AMOUNT_DIFFERENCE:
            amount -= AMOUNT_DIFFERENCE
        rows.append([payment.case.account_no, f"{amount:.2f}", f"{payment.paid_on:%Y-%m-%d}", ""])
    latest = payments[-1].paid_on
    paid_cases = {payment.case_id for payment in payments}
    unpaid = (
        Case.objects.filter(agreement=agreement, status__in=Case.OPEN_STATUSES)
        .exclude(pk__in=paid_cases)
        .filter(payments__isnull=True)
        .order_by("account_no")
        .first()
    )
    if unpaid is not None:
        rows.append([unpaid.account_no, f"{BANK_ONLY_AMOUNT:.2f}", f"{latest:%Y-%m-%d}", ""])
    rows.append(["NEVER-PLACED-0001", "100.00", f"{latest:%Y-%m-%d}", ""])
    for number, row in enumerate(rows, start=1):
        row[3] = f"{code}-RP-{latest:%Y%m}-{number:04d}"
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("gb18030")  # as Chinese bank systems write it


def seed(*, stdout=None) -> dict:
    from .services.repayments import repayment_file_receive, repayment_import

    agreement = demo_agreement()
    if agreement is None or RepaymentFile.objects.filter(agreement=agreement).exists():
        if stdout:
            stdout.write("cases: repayment file skipped (no confirmed payments, or seeded)")
        return {}
    rows = demo_rows(agreement)
    if not rows:
        return {}
    latest = rows[-1][2].replace("-", "")[:6]
    upload = SimpleUploadedFile(
        f"{agreement.bank.code}-repayments-{latest}.csv", _csv(rows), content_type="text/csv"
    )
    repayment_file, _created = repayment_file_receive(
        bank=agreement.bank, uploaded_file=upload, agreement=agreement
    )
    repayment_file = repayment_import(repayment_file_id=repayment_file.pk)
    if stdout:
        stdout.write(
            f"cases: repayment file #{repayment_file.pk} for {agreement.number}: "
            f"{repayment_file.rows_imported} repayments, {repayment_file.rows_rejected} rejected"
        )
    return {"repayment_files": 1, "repayments": repayment_file.rows_imported}
