"""Scoping battery routes: promises, payment plans and payments.

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from collections_office.workdays import company_today

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # cases: promises, payment plans and payments
    "cases:promise_create": lambda f: {"pk": f.case.pk},
    "cases:promise_cancel": lambda f: {"pk": _money_on(f)["promise"].pk},
    "cases:payment_claim": lambda f: {"pk": f.case.pk},
    "cases:plan_create": lambda f: {"pk": f.case.pk},
    "cases:plan_detail": lambda f: {"pk": _money_on(f)["plan"].pk},
    "cases:plan_cancel": lambda f: {"pk": _money_on(f)["plan"].pk},
    "cases:payment_detail": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_confirm": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_reject": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_reverse": lambda f: {"pk": _money_on(f)["confirmed"].pk},
    "cases:payment_receipt": lambda f: {"pk": _money_on(f)["payment"].pk},
    # bank repayment files (issue 13)
    "cases:repayment_file_detail": lambda f: {"pk": repayment_file_of(f).pk},
    "cases:repayment_file_errors_download": lambda f: [
        {"pk": repayment_file_of(f).pk, "file_format": "csv"},
        {"pk": repayment_file_of(f).pk, "file_format": "xlsx"},
    ],
    # reconciliation and commission statements (finance)
    "cases:statement_detail": lambda f: {"pk": _statement_on(f).pk},
    "cases:statement_download": lambda f: [
        {"pk": _statement_on(f).pk, "fmt": "csv"},
        {"pk": _statement_on(f).pk, "fmt": "xlsx"},
    ],
    "cases:statement_approve": lambda f: {"pk": _statement_on(f).pk},
    "cases:statement_publish": lambda f: {"pk": _statement_on(f).pk},
    "cases:statement_correct": lambda f: {"pk": _statement_on(f).pk},
    "cases:statement_line_note": lambda f: {"pk": _statement_on(f).lines.get().pk},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {}


def repayment_file_of(f):
    """A completed repayment file of the side's agreement, with one repayment on the
    side's case and one rejected row (made once per side)."""
    if getattr(f, "repayment_file", None):
        return f.repayment_file
    import hashlib
    from decimal import Decimal

    from cases.models import BankRepayment, RepaymentFile

    content = f"repayments of {f.agreement.pk}".encode()
    repayment_file = RepaymentFile.objects.create(
        bank=f.agreement.bank,
        agreement=f.agreement,
        status=RepaymentFile.Status.COMPLETED,
        original_file=f"repayments/battery-{f.agreement.pk}.csv",
        original_name="battery.csv",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        rows_total=2,
        rows_done=2,
        rows_imported=1,
        rows_rejected=1,
    )
    BankRepayment.objects.create(
        repayment_file=repayment_file,
        bank=repayment_file.bank,
        agreement=repayment_file.agreement,
        case=f.case,
        account_no=f.case.account_no,
        amount=Decimal("10.00"),
        paid_on=company_today(),
        reference=f"battery-{f.agreement.pk}",
        row=2,
    )
    repayment_file.row_errors.create(row_number=3, column="amount", message="bad")
    f.repayment_file = repayment_file
    return repayment_file


def _money_on(f) -> dict:
    """A promise, a plan waiting for approval, a claimed payment (with a receipt) and a
    confirmed one on the side's case (made once per side)."""
    if getattr(f, "money", None):
        return f.money
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from cases.models import Payment, PaymentPlan, Promise

    today = company_today()
    promise = Promise.objects.create(
        case=f.case,
        amount=Decimal("100.00"),
        due_on=today + dt.timedelta(days=3),
        counts_from=today,
        made_by=f.collector,
    )
    plan = PaymentPlan.objects.create(
        case=f.case,
        total_amount=Decimal("100.00"),
        schedule=[{"amount": "100.00", "due_on": (today + dt.timedelta(days=9)).isoformat()}],
        within_terms=False,
        made_by=f.collector,
    )
    payment = Payment(
        case=f.case,
        amount=Decimal("10.00"),
        paid_on=today,
        channel="to_bank",
        claimed_by=f.collector,
        receipt_sha256="0" * 64,
        receipt_content_type="application/pdf",
    )
    payment.receipt.save("battery.pdf", ContentFile(b"%PDF-1.4 battery"), save=False)
    payment.save()
    confirmed = Payment.objects.create(
        case=f.case,
        amount=Decimal("10.00"),
        paid_on=today,
        channel="to_bank",
        claimed_by=f.collector,
        status="confirmed",
        confirmed_by=f.supervisor,
        confirmed_at=timezone.now(),
    )
    f.money = {"promise": promise, "plan": plan, "payment": payment, "confirmed": confirmed}
    return f.money


def _statement_on(f):
    """A draft statement of the side's agreement with one line (made once per side)."""
    if getattr(f, "statement", None):
        return f.statement
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from cases.models import Statement, StatementLine

    f.statement = Statement.objects.create(
        agreement=f.agreement,
        bank=f.agreement.bank,
        month=dt.date(2026, 2, 1),
        tolerance_days=3,
        prepared_at=timezone.now(),
    )
    StatementLine.objects.create(
        statement=f.statement,
        kind="agency_only",
        reason="no_repayment_for_account",
        account_no=f.case.account_no,
        payment_amount=Decimal("10.00"),
        payment_paid_on=dt.date(2026, 2, 3),
    )
    return f.statement
