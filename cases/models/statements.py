"""Monthly reconciliation and commission statements (DESIGN §8).

A `Statement` is one agreement's month: the reconciliation of the agency's payments with
the bank's repayments (`StatementLine`s: matched, amount difference, agency only, bank
only) and the commission on the matched repayments. It goes draft → approved (by
finance; from then on nothing in it changes) → published (the bank reads it over the
API). A correction is a new version of the same month that names the one it corrects.

Lines copy what they show (account number, amounts, dates, reference, the reason) and
point at the payment, repayment and case only for convenience: those links are
`SET_NULL`, so an approved statement reads the same after the retention purge deleted
the cases behind it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .banks import MONEY, RATE, Agreement, Bank

ZERO = Decimal("0.00")


class StatementImmutable(ValidationError):
    """Raised when anything tries to change an approved (or published) statement."""


class StatementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Finance of the branch that handles the agreement (HQ finance: all)."""
        from cases.access import statement_visibility

        condition = statement_visibility(user)
        return self if condition is None else self.filter(condition)

    def of_bank(self, bank):
        """What a bank's API key reads: its own published statements, never a draft."""
        return self.filter(bank=bank, status=Statement.Status.PUBLISHED)


class Statement(models.Model):
    """One agreement's monthly reconciliation and commission statement (one version)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    # Fields frozen once the statement leaves draft (publishing sets only its own).
    FROZEN_FIELDS = (
        "agreement_id",
        "bank_id",
        "month",
        "version",
        "replaces_id",
        "tolerance_days",
        "matched_count",
        "matched_amount",
        "difference_count",
        "difference_agency_amount",
        "difference_bank_amount",
        "agency_only_count",
        "agency_only_amount",
        "bank_only_count",
        "bank_only_amount",
        "commission_base",
        "commission_total",
        "approved_by_id",
        "approved_at",
    )

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="statements", verbose_name=_("agreement")
    )
    # The agreement's bank, kept on the row: the bank API scopes by it.
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="statements", verbose_name=_("bank")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reconciled."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    tolerance_days = models.PositiveSmallIntegerField(_("date tolerance (days)"))
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    matched_amount = models.DecimalField(_("matched amount"), **MONEY, default=ZERO)
    difference_count = models.PositiveIntegerField(_("amount differences"), default=0)
    difference_agency_amount = models.DecimalField(
        _("amount differences: agency"), **MONEY, default=ZERO
    )
    difference_bank_amount = models.DecimalField(
        _("amount differences: bank"), **MONEY, default=ZERO
    )
    agency_only_count = models.PositiveIntegerField(_("agency only"), default=0)
    agency_only_amount = models.DecimalField(_("agency only amount"), **MONEY, default=ZERO)
    bank_only_count = models.PositiveIntegerField(_("bank only"), default=0)
    bank_only_amount = models.DecimalField(_("bank only amount"), **MONEY, default=ZERO)
    # Commission is earned on the matched repayments (docs/decisions.md).
    commission_base = models.DecimalField(_("commission base"), **MONEY, default=ZERO)
    commission_total = models.DecimalField(_("commission"), **MONEY, default=ZERO)
    prepared_at = models.DateTimeField(_("prepared at"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords(no_db_index=["agreement", "bank", "replaces"])

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "agreement_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "month", "version"], name="statement_version_once"
            ),
            # One draft per agreement and month: a re-run replaces it.
            models.UniqueConstraint(
                fields=["agreement", "month"],
                condition=Q(status="draft"),
                name="statement_one_draft_per_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="statement_month_first_day"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="statement_approved_has_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(published_by__isnull=False, published_at__isnull=False),
                name="statement_published_has_who_when",
            ),
        ]
        indexes = [
            models.Index(fields=["bank", "status", "-month"], name="statement_bank_idx"),
            models.Index(fields=["status", "-month"], name="statement_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.month:%Y-%m} v{self.version}"

    def save(self, *args, **kwargs):
        # The guard behind the services: whatever path writes an approved statement (a
        # shell, the admin, a future service) cannot change what it says.
        if self.pk is not None:
            stored = (
                Statement.objects.filter(pk=self.pk).values("status", *self.FROZEN_FIELDS).first()
            )
            if stored is not None and stored["status"] != self.Status.DRAFT:
                changed = [f for f in self.FROZEN_FIELDS if stored[f] != getattr(self, f)]
                moved_back = self.status == self.Status.DRAFT or (
                    stored["status"] == self.Status.PUBLISHED
                    and self.status != self.Status.PUBLISHED
                )
                if changed or moved_back:
                    raise StatementImmutable(
                        _(
                            "This statement is %(status)s and cannot be changed: make a "
                            "correction (a new version) instead."
                        )
                        % {"status": self.Status(stored["status"]).label.lower()}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise StatementImmutable(_("An approved statement is never deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def month_end(self) -> dt.date:
        following = (self.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def net_difference(self) -> Decimal:
        """Bank minus agency over every line (0 when everything matched)."""
        return (
            self.difference_bank_amount
            - self.difference_agency_amount
            + self.bank_only_amount
            - self.agency_only_amount
        )


class StatementLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The lines of the statements the user may read (Statement's rule)."""
        from cases.access import statement_visibility

        condition = statement_visibility(user, prefix="statement__")
        return self if condition is None else self.filter(condition)


class StatementLine(models.Model):
    """One line of a statement: a pair (or one side) of the reconciliation, with its reason."""

    class Kind(models.TextChoices):
        MATCHED = "matched", _("Matched")
        AMOUNT_DIFFERENCE = "amount_difference", _("Amount difference")
        AGENCY_ONLY = "agency_only", _("Agency only")
        BANK_ONLY = "bank_only", _("Bank only")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # cases.reconciliation's reason code; the explanation is written from it and the
    # copied figures below (cases.statement_text), in the reader's language.
    reason = models.CharField(_("reason"), max_length=32)
    account_no = models.CharField(_("account number"), max_length=64)
    payment_amount = models.DecimalField(_("agency amount"), **MONEY, null=True, blank=True)
    payment_paid_on = models.DateField(_("agency date"), null=True, blank=True)
    payment_status = models.CharField(_("payment status"), max_length=10, blank=True)
    repayment_amount = models.DecimalField(_("bank amount"), **MONEY, null=True, blank=True)
    repayment_paid_on = models.DateField(_("bank date"), null=True, blank=True)
    repayment_reference = models.CharField(_("bank reference"), max_length=120, blank=True)
    commission_rate = models.DecimalField(_("commission rate"), **RATE, default=Decimal(0))
    commission = models.DecimalField(_("commission"), **MONEY, default=ZERO)
    # Links for convenience only (the retention purge may empty them).
    payment = models.ForeignKey(
        "cases.Payment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_lines",
    )
    repayment = models.ForeignKey(
        "cases.BankRepayment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_lines",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_lines",
    )
    # Finance's follow-up note (drafts only).
    note = models.CharField(_("note"), max_length=500, blank=True)
    objects = StatementLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement_id", "kind", "account_no", "pk"]
        indexes = [
            models.Index(fields=["statement", "kind", "account_no"], name="statement_line_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.account_no}"

    def save(self, *args, **kwargs):
        if (
            Statement.objects.filter(pk=self.statement_id)
            .exclude(status=Statement.Status.DRAFT)
            .exists()
        ):
            raise StatementImmutable(_("This statement is approved: its lines cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def difference(self) -> Decimal:
        return (self.repayment_amount or ZERO) - (self.payment_amount or ZERO)

    @property
    def days_apart(self) -> int | None:
        if self.payment_paid_on is None or self.repayment_paid_on is None:
            return None
        return abs((self.repayment_paid_on - self.payment_paid_on).days)


class StatementLineNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The notes of the statements the user may read (Statement's rule)."""
        from cases.access import statement_visibility

        condition = statement_visibility(user, prefix="statement__")
        return self if condition is None else self.filter(condition)


class StatementLineNote(models.Model):
    """A note finance wrote on a statement line, kept in order: the line's note history.

    A draft's lines are rewritten when it is reconciled again, so the entry names its
    line by what the line is — kind, payment and repayment (the same key that carries the
    current note over a re-run) — and belongs to the statement, not to a line row. An
    empty text records that the note was removed.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="line_notes", verbose_name=_("statement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StatementLine.Kind.choices)
    account_no = models.CharField(_("account number"), max_length=64)
    # Plain ids, not links: the line's own links may be emptied by the retention purge.
    payment_ref = models.BigIntegerField(_("payment"), null=True, blank=True)
    repayment_ref = models.BigIntegerField(_("bank repayment"), null=True, blank=True)
    text = models.CharField(_("note"), max_length=500, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"))
    objects = StatementLineNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement line note")
        verbose_name_plural = _("statement line notes")
        ordering = ["statement_id", "written_at", "pk"]
        indexes = [
            models.Index(
                fields=["statement", "kind", "payment_ref", "repayment_ref"],
                name="statement_line_note_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_no}: {self.text}"
