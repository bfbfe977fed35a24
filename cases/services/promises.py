"""Promises to pay and payment plans (DESIGN §4.4, §4.8).

A promise is recorded by the case's collector (or a supervisor), from a call or on the
case page. A case has at most one open promise of its own: a new one replaces the open
one (cancelled, with the reason). A payment plan's instalments are promises too; while a
case has a live plan, payments count towards its instalments and no separate promise is
taken. A plan inside the agreement's minimum terms is active at once; outside them it
waits for a supervisor's approval (the shared approvals framework).

Every status a payment decides is set by `promises_settle` (cases/services/promise_settlement.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.access import CASE_SUPERVISOR_ROLES
from cases.models import CallLog, Case, PaymentPlan, Promise
from collections_office.workdays import company_today
from staff.selectors import get_scoped_object_or_404, has_role
from staff.stored_text import in_english, shown_in_language

from .promise_settlement import promises_settle

# A promise further ahead than this is not a promise a collector can follow up.
LONGEST_PROMISE_DAYS = 366
MAX_INSTALMENTS = 120
NON_FIELD = "__all__"


def case_locked_for_money(*, case: Case | int, actor, doing: str) -> Case:
    """The case, locked, if `actor` may record money matters on it (its collector or a
    supervisor of its branch); a case the actor may not see is a 404."""
    pk = getattr(case, "pk", case)
    locked = get_scoped_object_or_404(
        Case.objects.visible_to(actor).select_for_update(of=("self",)).select_related("agreement"),
        user=actor,
        pk=pk,
    )
    if locked.assigned_to_id != actor.pk and not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise PermissionDenied(_("Only the case's collector or a supervisor records this."))
    if locked.status == Case.Status.RECALLED:
        raise ValidationError(
            {
                NON_FIELD: _("The bank has recalled this case: %(doing)s is no longer possible.")
                % {"doing": doing}
            }
        )
    if not locked.is_open:
        raise ValidationError(
            {
                NON_FIELD: _("This case is %(status)s: %(doing)s is no longer possible.")
                % {"status": locked.get_status_display().lower(), "doing": doing}
            }
        )
    return locked


def money(value, *, field: str, errors: dict, label: str) -> Decimal | None:
    """A positive amount of money with at most two decimals, or an error on `field`."""
    if value is None or value == "":
        errors[field] = _("Enter the %(label)s.") % {"label": label}
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter the %(label)s as a number, e.g. 1500.00.") % {"label": label}
        return None
    if not amount.is_finite() or amount <= 0:
        errors[field] = _("The %(label)s must be more than zero.") % {"label": label}
        return None
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
        errors[field] = _("Enter the %(label)s in yuan and fen (two decimals at most).") % {
            "label": label
        }
        return None
    return amount.quantize(Decimal("0.01"))


def _due_date_errors(due_on, *, today: dt.date, field: str, errors: dict) -> None:
    if not isinstance(due_on, dt.date):
        errors[field] = _("Enter the date the debtor will pay by.")
    elif due_on < today:
        errors[field] = _("The date is in the past: a promise is due today or later.")
    elif due_on > today + dt.timedelta(days=LONGEST_PROMISE_DAYS):
        errors[field] = _("A promise more than a year ahead? Record a payment plan instead.")


def _live_plan(case: Case) -> PaymentPlan | None:
    return case.payment_plans.filter(
        status__in=(PaymentPlan.Status.ACTIVE, PaymentPlan.Status.PENDING_APPROVAL)
    ).first()


def _open_own_promises_cancel(case: Case, *, actor, reason: str) -> None:
    for old in case.promises.filter(status=Promise.Status.OPEN, plan__isnull=True):
        old.status = Promise.Status.CANCELLED
        old.cancelled_reason = reason
        old._history_user = actor
        old.save(update_fields=["status", "cancelled_reason"])


@transaction.atomic
def promise_record(
    *, case: Case, actor, amount, due_on: dt.date | None, call: CallLog | None = None, notes=""
) -> Promise:
    """Records the debtor's promise to pay `amount` by `due_on` (company date)."""
    today = company_today()
    errors: dict[str, str] = {}
    amount = money(amount, field="amount", errors=errors, label=_("amount promised"))
    _due_date_errors(due_on, today=today, field="due_on", errors=errors)
    if len(notes or "") > 500:
        errors["notes"] = _("Notes are limited to 500 characters.")
    if errors:
        raise ValidationError(errors)
    locked = case_locked_for_money(case=case, actor=actor, doing=_("a promise"))
    if call is not None and call.case_id != locked.pk:
        raise ValidationError({"call": _("That call is of another case.")})
    if _live_plan(locked) is not None:
        raise ValidationError(
            {
                NON_FIELD: _(
                    "This case has a payment plan: its payments count towards the plan's "
                    "instalments."
                )
            }
        )
    promise = Promise(
        case=locked,
        amount=amount,
        due_on=due_on,
        counts_from=today,
        made_by=actor,
        call=call,
        notes=(notes or "").strip(),
    )
    promise.full_clean(exclude=["case", "made_by", "call", "plan"])
    _open_own_promises_cancel(locked, actor=actor, reason=_("Replaced by a newer promise."))
    promise._history_user = actor
    promise.save()
    # Payments already confirmed today count at once; the case's queue columns follow.
    promises_settle(today=today, case_ids=[locked.pk])
    promise.refresh_from_db()
    return promise


@transaction.atomic
def promise_cancel(*, promise: Promise, actor, reason: str) -> Promise:
    """An open promise withdrawn (the debtor retracted it, or it was recorded in error)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the promise is cancelled.")})
    case_locked_for_money(case=promise.case_id, actor=actor, doing=_("cancelling a promise"))
    locked = Promise.objects.select_for_update().get(pk=promise.pk)
    if locked.status != Promise.Status.OPEN:
        raise ValidationError(
            {
                NON_FIELD: _("Only an open promise can be cancelled; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    if locked.plan_id is not None:
        raise ValidationError({NON_FIELD: _("An instalment is cancelled with its plan.")})
    locked.status = Promise.Status.CANCELLED
    locked.cancelled_reason = reason[:500]
    locked._history_user = actor
    locked.save(update_fields=["status", "cancelled_reason"])
    promises_settle(today=company_today(), case_ids=[locked.case_id])
    return locked


# --- Payment plans -------------------------------------------------------------------------


def _instalments_clean(instalments, *, total, today, errors) -> list[tuple[Decimal, dt.date]]:
    rows: list[tuple[Decimal, dt.date]] = []
    if not instalments:
        errors["instalments"] = _("Enter at least one instalment.")
        return rows
    if len(instalments) > MAX_INSTALMENTS:
        errors["instalments"] = _("At most %(count)s instalments.") % {"count": MAX_INSTALMENTS}
        return rows
    for number, (amount, due_on) in enumerate(instalments, start=1):
        row_errors: dict[str, str] = {}
        value = money(amount, field="amount", errors=row_errors, label=_("instalment amount"))
        _due_date_errors(due_on, today=today, field="due_on", errors=row_errors)
        if not row_errors and rows and due_on <= rows[-1][1]:
            row_errors["due_on"] = _("Each instalment falls due after the one before.")
        if row_errors:
            errors["instalments"] = _("Instalment %(number)s: %(problem)s") % {
                "number": number,
                "problem": " ".join(row_errors.values()),
            }
            return rows
        rows.append((value, due_on))
    if total is not None:
        added = sum((amount for amount, _due in rows), Decimal("0.00"))
        if added != total:
            errors["instalments"] = _(
                "The instalments add up to %(added)s, not the plan's total of %(total)s."
            ) % {"added": f"{added:,.2f}", "total": f"{total:,.2f}"}
    return rows


def plan_terms_breached(case: Case, rows, total: Decimal, *, today: dt.date) -> list[str]:
    """The agreement's minimum terms this schedule does not meet, one sentence each, in
    English as they are stored (`shown_in_language` shows them in the reader's)."""
    agreement = case.agreement
    breaches: list[str] = []
    minimum = agreement.plan_min_down_payment_percent
    if minimum is not None and rows:
        share = rows[0][0] * 100 / total
        if share < minimum:
            breaches.append(
                in_english(
                    gettext_noop(
                        "Down payment %(share)s %% is below the agreement's minimum of "
                        "%(minimum)s %%."
                    ),
                    share=f"{share:.1f}",
                    minimum=f"{minimum:g}",
                )
            )
    most = agreement.plan_max_instalments
    if most is not None and len(rows) > most:
        breaches.append(
            in_english(
                gettext_noop("%(count)s instalments: the agreement allows at most %(most)s."),
                count=len(rows),
                most=most,
            )
        )
    months = agreement.plan_max_term_months
    if months is not None and rows and rows[-1][1] > today + relativedelta(months=months):
        breaches.append(
            in_english(
                gettext_noop(
                    "The last instalment falls after %(limit)s: the agreement allows "
                    "%(months)s months."
                ),
                limit=(today + relativedelta(months=months)).isoformat(),
                months=months,
            )
        )
    return breaches


@transaction.atomic
def plan_propose(*, case: Case, actor, total_amount, instalments, reason: str = "") -> PaymentPlan:
    """Records a payment plan: active at once within the agreement's terms, otherwise
    waiting for a supervisor's approval (a reason is then required).

    `instalments` is a list of (amount, due_on).
    """
    today = company_today()
    errors: dict[str, str] = {}
    total = money(total_amount, field="total_amount", errors=errors, label=_("plan's total"))
    rows = _instalments_clean(instalments, total=total, today=today, errors=errors)
    reason = (reason or "").strip()
    if errors:
        raise ValidationError(errors)
    locked = case_locked_for_money(case=case, actor=actor, doing=_("a payment plan"))
    if total > locked.balance:
        raise ValidationError(
            {
                "total_amount": _("The plan's total is more than the balance of %(balance)s.")
                % {"balance": f"{locked.balance:,.2f}"}
            }
        )
    if _live_plan(locked) is not None:
        raise ValidationError(
            {NON_FIELD: _("This case already has a payment plan; cancel it first.")}
        )
    breaches = plan_terms_breached(locked, rows, total, today=today)
    if breaches and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "The plan is outside the agreement's terms (%(breaches)s) Say why a "
                    "supervisor should approve it."
                )
                % {"breaches": " ".join(shown_in_language(breach) for breach in breaches)}
            }
        )
    plan = PaymentPlan(
        case=locked,
        total_amount=total,
        schedule=[{"amount": str(amount), "due_on": due.isoformat()} for amount, due in rows],
        within_terms=not breaches,
        terms_breached="\n".join(breaches),
        reason=reason,
        made_by=actor,
        status=PaymentPlan.Status.PENDING_APPROVAL if breaches else PaymentPlan.Status.ACTIVE,
    )
    plan._history_user = actor
    plan.save()
    if breaches:
        from .plan_approval import plan_approval_request

        plan_approval_request(plan=plan, actor=actor)
    else:
        _plan_activate(plan, actor=actor, today=today)
    return plan


def _plan_activate(plan: PaymentPlan, *, actor, today: dt.date) -> None:
    """The plan's instalments become promises; an open promise of the case gives way."""
    case = plan.case
    _open_own_promises_cancel(case, actor=actor, reason=_("Replaced by a payment plan."))
    counts_from = min(today, dt.date.fromisoformat(plan.schedule[0]["due_on"]))
    for number, row in enumerate(plan.schedule, start=1):
        due_on = dt.date.fromisoformat(row["due_on"])
        promise = Promise(
            case=case,
            amount=Decimal(row["amount"]),
            due_on=due_on,
            counts_from=counts_from,
            made_by=plan.made_by,
            plan=plan,
            plan_instalment=number,
        )
        promise._history_user = actor
        promise.save()
        counts_from = due_on + dt.timedelta(days=1)
    promises_settle(today=today, case_ids=[case.pk])


def plan_decided(*, plan: PaymentPlan, approved: bool, actor) -> PaymentPlan:
    """The approver's decision on a plan outside the terms (runs in the decision's transaction)."""
    locked = PaymentPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    if locked.status != PaymentPlan.Status.PENDING_APPROVAL:
        raise ValidationError(
            {
                NON_FIELD: _("This plan is %(status)s: there is nothing to decide.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    locked.decided_at = timezone.now()
    locked._history_user = actor
    if approved:
        if not locked.case.is_open:
            raise ValidationError(
                {NON_FIELD: _("The case is no longer worked: the plan cannot start.")}
            )
        locked.status = PaymentPlan.Status.ACTIVE
        locked.save(update_fields=["status", "decided_at"])
        _plan_activate(locked, actor=actor, today=company_today())
    else:
        locked.status = PaymentPlan.Status.REJECTED
        locked.save(update_fields=["status", "decided_at"])
    return locked


@transaction.atomic
def plan_cancel(*, plan: PaymentPlan, actor, reason: str) -> PaymentPlan:
    """A plan given up: its open instalments are cancelled, settled ones stay as they are."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the plan is cancelled.")})
    case_locked_for_money(case=plan.case_id, actor=actor, doing=_("cancelling a plan"))
    locked = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status not in (PaymentPlan.Status.ACTIVE, PaymentPlan.Status.PENDING_APPROVAL):
        raise ValidationError(
            {
                NON_FIELD: _("This plan is %(status)s already.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    if locked.status == PaymentPlan.Status.PENDING_APPROVAL:
        from .plan_approval import plan_approval_close

        plan_approval_close(plan=locked)
    locked.status = PaymentPlan.Status.CANCELLED
    locked.reason = (locked.reason + "\n" if locked.reason else "") + reason
    locked._history_user = actor
    locked.save(update_fields=["status", "reason"])
    for instalment in locked.instalments.filter(status=Promise.Status.OPEN):
        instalment.status = Promise.Status.CANCELLED
        instalment.cancelled_reason = reason[:500]
        instalment._history_user = actor
        instalment.save(update_fields=["status", "cancelled_reason"])
    promises_settle(today=company_today(), case_ids=[locked.case_id])
    return locked
