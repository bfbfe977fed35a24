"""Payments (DESIGN §4.4): claimed by the collector, confirmed or rejected by a supervisor
or finance (never by the one who claimed it), reversible with a reason.

Only a confirmation moves money: it takes the amount off the case's balance (fees, then
interest, then principal; the case's history keeps every change, as it does the bank's
updates) and re-judges the case's promises. A reversal puts back exactly what the
confirmation took and re-judges them again, so a kept promise re-opens.

State machine (TRANSITIONS): claimed → confirmed | rejected; confirmed → reversed.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Payment
from cases.receipts import receipt_check, receipt_remove, receipt_store
from staff import roles
from staff.selectors import get_scoped_object_or_404, has_role

from .promise_settlement import promises_settle
from .promises import NON_FIELD, case_locked_for_money, company_today, money

# Who confirms, rejects and reverses payments (in their branch; HQ all).
PAYMENT_CHECKER_ROLES = (roles.SUPERVISOR, roles.FINANCE)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Payment.Status.CLAIMED: (Payment.Status.CONFIRMED, Payment.Status.REJECTED),
    Payment.Status.CONFIRMED: (Payment.Status.REVERSED,),
    Payment.Status.REJECTED: (),
    Payment.Status.REVERSED: (),
}
# A payment dated this long ago is a typing mistake, not a late claim.
OLDEST_PAYMENT_DAYS = 366


def transition_allowed(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, ())


def _transition_check(payment: Payment, wanted: str) -> None:
    if not transition_allowed(payment.status, wanted):
        raise ValidationError(
            {
                NON_FIELD: _("This payment is %(status)s: it cannot be %(wanted)s.")
                % {
                    "status": payment.get_status_display().lower(),
                    "wanted": Payment.Status(wanted).label.lower(),
                }
            }
        )


@transaction.atomic
def payment_claim(
    *,
    case: Case,
    actor,
    amount,
    paid_on: dt.date | None,
    channel: str,
    reference: str = "",
    receipt=None,
    over_balance_reason: str = "",
) -> Payment:
    """The collector's claim that the debtor paid; nothing moves until it is confirmed."""
    today = company_today()
    errors: dict[str, str] = {}
    amount = money(amount, field="amount", errors=errors, label=_("amount paid"))
    if not isinstance(paid_on, dt.date):
        errors["paid_on"] = _("Enter the date the debtor paid.")
    elif paid_on > today:
        errors["paid_on"] = _("The payment date is in the future.")
    elif paid_on < today - dt.timedelta(days=OLDEST_PAYMENT_DAYS):
        errors["paid_on"] = _("A payment more than a year ago? Check the date.")
    if channel not in Payment.Channel.values:
        errors["channel"] = _("Choose where the debtor paid: to the bank or to the agency.")
    reference = (reference or "").strip()
    if len(reference) > 120:
        errors["reference"] = _("A reference is at most 120 characters.")
    if receipt is not None:
        try:
            kind = receipt_check(receipt)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    locked = case_locked_for_money(case=case, actor=actor, doing=_("a payment"))
    over_balance_reason = (over_balance_reason or "").strip()
    if amount > locked.balance and not over_balance_reason:
        raise ValidationError(
            {
                "over_balance_reason": _(
                    "%(amount)s is more than the balance of %(balance)s: say why "
                    "(e.g. the bank's late fees), or correct the amount."
                )
                % {"amount": f"{amount:,.2f}", "balance": f"{locked.balance:,.2f}"}
            }
        )
    payment = Payment(
        case=locked,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        reference=reference,
        over_balance_reason=over_balance_reason if amount > locked.balance else "",
        claimed_by=actor,
    )
    stored = None
    if receipt is not None:
        stored, payment.receipt_sha256, payment.receipt_content_type = receipt_store(receipt, kind)
        payment.receipt.name = stored
    try:
        payment._history_user = actor
        payment.save()
    except BaseException:
        receipt_remove(stored)
        raise
    return payment


def payments_for_checking(user):
    """Payments `user` may confirm, reject or reverse: their scope, if they have the role."""
    if not has_role(user, *PAYMENT_CHECKER_ROLES):
        return Payment.objects.none()
    return Payment.objects.visible_to(user)


def _payment_locked(payment: Payment | int, *, actor) -> Payment:
    if not has_role(actor, *PAYMENT_CHECKER_ROLES):
        raise PermissionDenied(_("Only a supervisor or finance confirms payments."))
    pk = getattr(payment, "pk", payment)
    return get_scoped_object_or_404(
        payments_for_checking(actor).select_for_update(of=("self",)), user=actor, pk=pk
    )


def _case_locked(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def _apply(case: Case, amount: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Takes `amount` off fees, then interest, then principal; returns what each gave."""
    left = amount
    taken = []
    for field in ("fees", "interest", "principal"):
        part = min(left, getattr(case, field))
        setattr(case, field, getattr(case, field) - part)
        left -= part
        taken.append(part)
    return taken[0], taken[1], taken[2]


@transaction.atomic
def payment_confirm(*, payment: Payment, actor) -> Payment:
    """A supervisor or finance confirms the money arrived: the balance and promises move."""
    locked = _payment_locked(payment, actor=actor)
    if locked.claimed_by_id == actor.pk:
        raise PermissionDenied(_("You claimed this payment: someone else must confirm it."))
    _transition_check(locked, Payment.Status.CONFIRMED)
    case = _case_locked(locked.case_id)
    fees, interest, principal = _apply(case, locked.amount)
    case._history_user = actor
    case._change_reason = f"Payment {locked.pk} confirmed"
    case.save(update_fields=["fees", "interest", "principal", "updated_at"])
    locked.status = Payment.Status.CONFIRMED
    locked.confirmed_by = actor
    locked.confirmed_at = timezone.now()
    locked.applied_fees, locked.applied_interest, locked.applied_principal = (
        fees,
        interest,
        principal,
    )
    locked._history_user = actor
    locked.save()
    promises_settle(today=company_today(), case_ids=[case.pk])
    return locked


# Rows per UPDATE / INSERT of a batch confirmation (bulk_update's CASE grows with it).
CONFIRM_BATCH = 1000


@transaction.atomic
def payments_confirm(*, payments, actor) -> list[Payment]:
    """Confirms many claimed payments at once — a statement's matched payments on approval.

    The outcome is `payment_confirm` on each in id order (a test holds them equal): the
    same checks (role, scope → 404, never one's own claim, only claimed payments), each
    payment taken off its case's fees, interest, then principal in turn, one history row
    per payment and one case history row per payment ("Payment N confirmed", the balance
    after it), the cases' promises re-judged. In a constant number of queries per
    `CONFIRM_BATCH` payments instead of ~12 per payment; the promises are judged once,
    after the last payment, so a promise's history has its final judgement rather than
    one row per step (the same as confirming them one after the other on one case).
    """
    if not has_role(actor, *PAYMENT_CHECKER_ROLES):
        raise PermissionDenied(_("Only a supervisor or finance confirms payments."))
    ids = sorted({getattr(payment, "pk", payment) for payment in payments})
    if not ids:
        return []
    locked = list(
        payments_for_checking(actor)
        .filter(pk__in=ids)
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    if len(locked) != len(ids):
        raise Http404
    for payment in locked:
        if payment.claimed_by_id == actor.pk:
            raise PermissionDenied(_("You claimed this payment: someone else must confirm it."))
        _transition_check(payment, Payment.Status.CONFIRMED)
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in={payment.case_id for payment in locked})
        .order_by("pk")
        .select_for_update()
    }
    now = timezone.now()
    case_states = []
    for payment in locked:
        case = cases[payment.case_id]
        payment.applied_fees, payment.applied_interest, payment.applied_principal = _apply(
            case, payment.amount
        )
        case.updated_at = now
        # The case as this payment left it: its history row.
        state = copy.copy(case)
        state._history_user = actor
        state._change_reason = f"Payment {payment.pk} confirmed"
        case_states.append(state)
        payment.status = Payment.Status.CONFIRMED
        payment.confirmed_by = actor
        payment.confirmed_at = now
        payment._history_user = actor
    Case.objects.bulk_update(
        list(cases.values()),
        ["fees", "interest", "principal", "updated_at"],
        batch_size=CONFIRM_BATCH,
    )
    Case.history.bulk_history_create(case_states, update=True, batch_size=CONFIRM_BATCH)
    Payment.objects.bulk_update(
        locked,
        [
            "status",
            "confirmed_by",
            "confirmed_at",
            "applied_fees",
            "applied_interest",
            "applied_principal",
        ],
        batch_size=CONFIRM_BATCH,
    )
    Payment.history.bulk_history_create(locked, update=True, batch_size=CONFIRM_BATCH)
    promises_settle(today=company_today(), case_ids=sorted(cases))
    return locked


@transaction.atomic
def payment_reject(*, payment: Payment, actor, reason: str) -> Payment:
    """The claimed money did not arrive (or not as claimed)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is rejected.")})
    locked = _payment_locked(payment, actor=actor)
    if locked.claimed_by_id == actor.pk:
        raise PermissionDenied(_("You claimed this payment: someone else must decide on it."))
    _transition_check(locked, Payment.Status.REJECTED)
    locked.status = Payment.Status.REJECTED
    locked.rejected_by = actor
    locked.rejected_at = timezone.now()
    locked.rejected_reason = reason
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def payment_reverse(*, payment: Payment, actor, reason: str) -> Payment:
    """A confirmed payment undone (bounced, booked to the wrong account): the balance goes
    back up by what it took, and the promises it kept re-open."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    locked = _payment_locked(payment, actor=actor)
    _transition_check(locked, Payment.Status.REVERSED)
    case = _case_locked(locked.case_id)
    case.fees += locked.applied_fees
    case.interest += locked.applied_interest
    case.principal += locked.applied_principal
    case._history_user = actor
    case._change_reason = f"Payment {locked.pk} reversed"
    case.save(update_fields=["fees", "interest", "principal", "updated_at"])
    locked.status = Payment.Status.REVERSED
    locked.reversed_by = actor
    locked.reversed_at = timezone.now()
    locked.reversed_reason = reason
    locked._history_user = actor
    locked.save()
    promises_settle(today=company_today(), case_ids=[case.pk])
    return locked


__all__ = [
    "PAYMENT_CHECKER_ROLES",
    "TRANSITIONS",
    "payment_claim",
    "payment_confirm",
    "payment_reject",
    "payment_reverse",
    "payments_confirm",
    "payments_for_checking",
    "transition_allowed",
]
