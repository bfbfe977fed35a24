"""Scoped reads of repayment files and bank repayments (staff pages and the bank API).

Staff: admin staff and finance of the branch handling the agreement (HQ all), see
`cases.access.repayment_visibility`. Banks: their own files only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Bank, BankRepayment, RepaymentFile, RepaymentRowError


def repayment_file_list(
    *, user, status: str = "", bank_id: int | None = None, agreement_id: int | None = None
) -> QuerySet[RepaymentFile]:
    """Repayment files the user may see, filtered by status, bank and agreement."""
    queryset = RepaymentFile.objects.visible_to(user).select_related(
        "bank", "agreement", "agreement__branch", "uploaded_by"
    )
    if status in RepaymentFile.Status.values:
        queryset = queryset.filter(status=status)
    if bank_id is not None:
        queryset = queryset.filter(bank_id=bank_id)
    if agreement_id is not None:
        queryset = queryset.filter(agreement_id=agreement_id)
    return queryset


def repayment_file_list_for_bank(*, bank: Bank) -> QuerySet[RepaymentFile]:
    return RepaymentFile.objects.of_bank(bank).select_related("bank")


def repayment_file_errors(*, repayment_file: RepaymentFile) -> QuerySet[RepaymentRowError]:
    """The rejected rows of a file the caller already fetched through a scoped selector."""
    return RepaymentRowError.objects.filter(repayment_file=repayment_file).order_by(
        "row_number", "pk"
    )


def repayment_file_repayments(*, repayment_file: RepaymentFile) -> QuerySet[BankRepayment]:
    """The imported rows of a file the caller already fetched through a scoped selector."""
    return BankRepayment.objects.filter(repayment_file=repayment_file).order_by("row")
