"""Bank repayment files (DESIGN §7, §8): the bank's file of the repayments it received
on the accounts placed with the agency, and its rows, for the monthly reconciliation.

A `RepaymentFile` is a bank file like a `Placement` (`BankFile`: original + backup with
SHA-256, idempotency key per bank, status received → processing → completed / failed,
counts, rejected rows); its accepted rows are `BankRepayment`s. Reconciliation reads them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .bank_files import BankFile, BankFileQuerySet, BankFileRowError, bank_file_constraints
from .banks import MONEY, Agreement, Bank, BankApiKey
from .debtors import Case


class RepaymentFileQuerySet(BankFileQuerySet):
    def visible_to(self, user) -> RepaymentFileQuerySet:
        """Files of the agreements the user's branch handles (admin staff, finance; HQ all)."""
        from cases.access import repayment_visibility, restrict

        return restrict(self, repayment_visibility(user, prefix="agreement__"))


class RepaymentRowErrorQuerySet(models.QuerySet):
    def visible_to(self, user) -> RepaymentRowErrorQuerySet:
        from cases.access import repayment_visibility, restrict

        return restrict(self, repayment_visibility(user, prefix="repayment_file__agreement__"))


class BankRepaymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> BankRepaymentQuerySet:
        from cases.access import repayment_visibility, restrict

        return restrict(self, repayment_visibility(user, prefix="agreement__"))

    def of_bank(self, bank) -> BankRepaymentQuerySet:
        return self.filter(bank=bank)


class RepaymentFile(BankFile):
    """One file of repayments received by a bank, and the state of its import (the fields
    every bank file has and its progress are `BankFile`'s)."""

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="repayment_files", verbose_name=_("bank")
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="repayment_files",
        verbose_name=_("agreement"),
    )
    original_file = models.FileField(_("original file"), upload_to="repayments/%Y/%m/")
    api_key = models.ForeignKey(
        BankApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repayment_files",
        verbose_name=_("API key"),
    )
    rows_imported = models.PositiveIntegerField(_("repayments imported"), default=0)

    objects = RepaymentFileQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["rows_done"])

    class Meta:
        verbose_name = _("repayment file")
        verbose_name_plural = _("repayment files")
        ordering = ["-received_at", "-pk"]
        constraints = bank_file_constraints("repayment")

    def __str__(self) -> str:
        return f"{self.bank.code} repayments #{self.pk} {self.original_name}"


class RepaymentRowError(BankFileRowError):
    """A rejected row of a repayment file, for the bank's clerk to fix."""

    repayment_file = models.ForeignKey(
        RepaymentFile, on_delete=models.CASCADE, related_name="row_errors"
    )

    objects = RepaymentRowErrorQuerySet.as_manager()

    class Meta:
        verbose_name = _("repayment row error")
        verbose_name_plural = _("repayment row errors")
        ordering = ["repayment_file", "row_number", "pk"]
        indexes = [
            models.Index(fields=["repayment_file", "row_number"], name="repayment_error_row_idx")
        ]


class BankRepayment(models.Model):
    """One repayment the bank says it received on an account placed with the agency."""

    repayment_file = models.ForeignKey(
        RepaymentFile,
        on_delete=models.CASCADE,
        related_name="repayments",
        verbose_name=_("repayment file"),
    )
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("bank")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("agreement")
    )
    # SET_NULL: the retention purge deletes cases; the row keeps the account as filed.
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_repayments",
        verbose_name=_("case"),
    )
    account_no = models.CharField(_("account number"), max_length=64)
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=120)
    # The row of the file (1 = the header row, as in the error list).
    row = models.PositiveIntegerField(_("row"))

    objects = BankRepaymentQuerySet.as_manager()
    history = HistoricalRecords(no_db_index=["repayment_file", "bank", "agreement", "case"])

    class Meta:
        verbose_name = _("bank repayment")
        verbose_name_plural = _("bank repayments")
        ordering = ["repayment_file", "row"]
        indexes = [
            # Reconciliation: one agreement's repayments of a month.
            models.Index(fields=["agreement", "paid_on"], name="bank_repayment_agreement_idx"),
            models.Index(fields=["case", "paid_on"], name="bank_repayment_case_idx"),
            models.Index(fields=["bank", "account_no"], name="bank_repayment_account_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "reference"], name="bank_repayment_reference_per_bank"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_repayment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.amount} on {self.paid_on} ({self.reference})"
