"""Money on a case (DESIGN §4.4, §4.8): promises to pay, payment plans and payments.

A promise counts the *confirmed* payments of its case paid within its window
(`counts_from` … `due_on`); the settlement (`cases.services.promise_settlement`) is the
one code path that turns those sums into kept / partly kept / broken, whether run
nightly over every promise that fell due or for one case when a payment is confirmed or
reversed. A payment plan's instalments are promises too (`plan`, `plan_instalment`), so
they settle the same way.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .banks import MONEY
from .debtors import Case
from .work import CaseRowQuerySet


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """With their case; finance (who confirms payments) sees its branch's payments too."""
        from cases.access import case_visibility
        from staff import roles
        from staff.selectors import has_role, sees_all_branches, user_branch

        condition = case_visibility(user, prefix="case__")
        if condition is None:
            return self
        if has_role(user, roles.FINANCE):
            if sees_all_branches(user):
                return self
            branch = user_branch(user)
            if branch is not None:
                condition = condition | Q(case__branch=branch)
        return self.filter(condition)


class Promise(models.Model):
    """A debtor's promise to pay an amount by a date (or one instalment of a payment plan)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        PARTLY_KEPT = "partly_kept", _("Partly kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses the settlement may move between (a cancelled promise is out of it).
    SETTLED_STATUSES = ("kept", "partly_kept", "broken")

    # case and made_by lead the composite indexes below; single-column ones would only
    # slow the nightly settlement's writes.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="promises",
        verbose_name=_("case"),
        db_index=False,
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("due on"))
    # Payments made from this day on count towards the promise (the day it was made,
    # or the day after the plan's previous instalment fell due).
    counts_from = models.DateField(_("counts payments from"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    amount_paid = models.DecimalField(_("amount paid"), **MONEY, default=Decimal("0.00"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="promises_recorded",
        verbose_name=_("recorded by"),
        db_index=False,
    )
    call = models.ForeignKey(
        "cases.CallLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promises",
        verbose_name=_("call"),
    )
    plan = models.ForeignKey(
        "cases.PaymentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instalments",
        verbose_name=_("payment plan"),
    )
    # The instalment's number in its plan (1, 2 …); None for a promise of its own.
    plan_instalment = models.PositiveSmallIntegerField(_("instalment"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(no_db_index=["case", "made_by", "call", "plan"])

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-due_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "-due_on"], name="promise_case_due_idx"),
            # The nightly settlement reads the open promises that fell due.
            models.Index(
                fields=["due_on"], name="promise_open_due_idx", condition=Q(status="open")
            ),
            models.Index(fields=["made_by", "created_at"], name="promise_made_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0), name="promise_amount_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(counts_from__lte=models.F("due_on")),
                name="promise_window_ends_on_due_date",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=True, plan_instalment__isnull=True)
                | Q(plan__isnull=False, plan_instalment__isnull=False),
                name="promise_instalment_has_plan",
            ),
            models.UniqueConstraint(
                fields=["plan", "plan_instalment"],
                condition=Q(plan__isnull=False),
                name="promise_instalment_once_per_plan",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="cancelled_promise_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"promise {self.pk} on case {self.case_id}: {self.amount} by {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PaymentPlan(models.Model):
    """An agreed schedule of instalments; outside the agreement's terms it waits for approval."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="payment_plans", verbose_name=_("case")
    )
    total_amount = models.DecimalField(_("total amount"), **MONEY)
    # The proposed instalments [{"amount": "100.00", "due_on": "2026-12-01"}, …]; they
    # become promises when the plan becomes active.
    schedule = models.JSONField(_("instalments"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING_APPROVAL
    )
    within_terms = models.BooleanField(_("within the agreement's terms"))
    # Which terms it breaks, as people read them (shown to the approver).
    terms_breached = models.TextField(_("terms not met"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payment_plans_recorded",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords(no_db_index=["case", "made_by"])

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__gt=0), name="payment_plan_total_positive"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=("pending", "active")),
                name="one_live_payment_plan_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"payment plan {self.pk} on case {self.case_id}"


class Payment(models.Model):
    """Money the debtor paid: claimed by the collector, confirmed by a supervisor or finance."""

    class Channel(models.TextChoices):
        TO_BANK = "to_bank", _("Paid to the bank")
        TO_AGENCY = "to_agency", _("Paid to the agency")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        REVERSED = "reversed", _("Reversed")

    # Indexed by payment_case_paid_idx and payment_claimed_by_idx (below).
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("case"),
        db_index=False,
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    receipt = models.FileField(_("receipt scan"), upload_to="receipts/%Y/%m/", blank=True)
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64, blank=True)
    receipt_content_type = models.CharField(_("receipt type"), max_length=40, blank=True)
    # Required when the amount is more than the case's balance at the claim.
    over_balance_reason = models.TextField(_("why more than the balance"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payments_claimed",
        verbose_name=_("claimed by"),
        db_index=False,
    )
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejected_reason = models.TextField(_("why rejected"), blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_reason = models.TextField(_("why reversed"), blank=True)
    # What the confirmation took off the case's balance (fees, then interest, then
    # principal), so a reversal puts back exactly that.
    applied_fees = models.DecimalField(_("applied to fees"), **MONEY, default=Decimal("0.00"))
    applied_interest = models.DecimalField(
        _("applied to interest"), **MONEY, default=Decimal("0.00")
    )
    applied_principal = models.DecimalField(
        _("applied to principal"), **MONEY, default=Decimal("0.00")
    )
    history = HistoricalRecords(
        no_db_index=["case", "claimed_by", "confirmed_by", "rejected_by", "reversed_by"]
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "paid_on"], name="payment_case_paid_idx"),
            # The list of claims waiting for a supervisor or finance.
            # (claimed_at, id): the order the list and the dashboard read them in (claims
            # imported together share one claimed_at; without the id they were all sorted).
            models.Index(
                fields=["claimed_at", "id"],
                name="payment_claimed_id_idx",
                condition=Q(status="claimed"),
            ),
            models.Index(fields=["claimed_by", "paid_on"], name="payment_claimed_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="confirmed")
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="confirmed_payment_has_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected")
                | (
                    Q(rejected_by__isnull=False, rejected_at__isnull=False) & ~Q(rejected_reason="")
                ),
                name="rejected_payment_has_who_when_why",
            ),
            models.CheckConstraint(
                condition=~Q(status="reversed")
                | (
                    Q(reversed_by__isnull=False, reversed_at__isnull=False) & ~Q(reversed_reason="")
                ),
                name="reversed_payment_has_who_when_why",
            ),
            models.CheckConstraint(
                condition=~Q(confirmed_by=models.F("claimed_by")),
                name="payment_not_confirmed_by_its_claimer",
            ),
            models.CheckConstraint(
                condition=Q(receipt="") | ~Q(receipt_sha256=""),
                name="payment_receipt_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk} on case {self.case_id}: {self.amount}"

    @property
    def applied_total(self) -> Decimal:
        return self.applied_fees + self.applied_interest + self.applied_principal
