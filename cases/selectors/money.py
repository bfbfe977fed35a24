"""Scoped reads of promises, payment plans and payments; their queue sources and timeline.

The queue sources read the case row's `promise_due_on` / `promise_broken_on`, which the
settlement keeps (cases/services/promise_settlement.py), so the queue stays one indexed
query. Ranks below the callback's 10: promise work comes first.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Payment, PaymentPlan, Promise
from cases.selectors.casepage_data import case_page_data, case_row_kind
from cases.selectors.queue import queue_source
from cases.timeline import TimelineEntry, timeline_source
from collections_office.workdays import company_tz, local_date


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


# --- Queue sources --------------------------------------------------------------------------


@queue_source("promise_due", label=gettext_lazy("Promise due today"), rank=3)
def promise_due_today(now: dt.datetime, user) -> Q:
    return Q(promise_due_on=local_date(now))


@queue_source("promise_broken", label=gettext_lazy("Broken promise"), rank=5)
def promise_broken(now: dt.datetime, user) -> Q:
    """Broken or partly kept, until the collector has called since it fell due.

    Two ways the row says it: `promise_broken_on` (written when the case's promises are
    re-judged for it), or a `promise_due_on` in the past — the nightly run leaves the date
    of a promise that broke in place instead of rewriting the row (a kept promise or a
    newer one always moves it)."""
    not_called_since_broken = Q(last_call_at__isnull=True) | Q(
        last_call_at__date__lt=F("promise_broken_on")
    )
    not_called_since_due = Q(last_call_at__isnull=True) | Q(
        last_call_at__date__lte=F("promise_due_on")
    )
    return (Q(promise_broken_on__isnull=False) & not_called_since_broken) | (
        Q(promise_due_on__lt=local_date(now)) & not_called_since_due
    )


# --- Reads ---------------------------------------------------------------------------------------


def promise_list(*, user) -> QuerySet[Promise]:
    return Promise.objects.visible_to(user).select_related("case", "made_by", "plan")


def plan_list(*, user) -> QuerySet[PaymentPlan]:
    return PaymentPlan.objects.visible_to(user).select_related("case", "case__bank", "made_by")


def payment_list(*, user) -> QuerySet[Payment]:
    return Payment.objects.visible_to(user).select_related(
        "case", "case__bank", "case__branch", "claimed_by", "confirmed_by"
    )


PAYMENT_SORTS = {
    "claimed": "claimed_at",
    "paid": "paid_on",
    "amount": "amount",
    "case": "case__account_no",
}


def payments_filtered(
    payments: QuerySet[Payment],
    *,
    status: str = "",
    channel: str = "",
    bank: int | None = None,
    collector: int | None = None,
    query: str = "",
    sort: str = "",
) -> QuerySet[Payment]:
    """The payments list's filters (status defaults to the claims waiting for a decision)."""
    if status != "all":
        payments = payments.filter(status=status or Payment.Status.CLAIMED)
    if channel in Payment.Channel.values:
        payments = payments.filter(channel=channel)
    if bank:
        payments = payments.filter(case__bank_id=bank)
    if collector:
        payments = payments.filter(claimed_by_id=collector)
    if query:
        payments = payments.filter(Q(case__account_no__icontains=query) | Q(reference=query))
    descending = sort.startswith("-")
    field = PAYMENT_SORTS.get(sort.lstrip("-"), "claimed_at")
    order = f"-{field}" if descending else field
    return payments.order_by(order, "pk")


# The case page reads a case's newest promises and payments once for its panel and its
# timeline's first page (21 entries): the rows are kept on the case object of the request.
CASE_PAGE_ROWS = 25

# The case page asks once which of these a case has (casepage_data): most have none.
case_row_kind("promises", lambda: Promise.objects.filter(case_id=OuterRef("pk")))
case_row_kind("payments", lambda: Payment.objects.filter(case_id=OuterRef("pk")))
case_row_kind("payment_plans", lambda: PaymentPlan.objects.filter(case_id=OuterRef("pk")))


def _newest(case: Case, key: str, queryset, limit: int, kind: str) -> list:
    if not case_page_data(case).has(kind):
        return []
    cached = getattr(case, key, None)
    if cached is not None and (limit <= CASE_PAGE_ROWS or len(cached) < CASE_PAGE_ROWS):
        return cached[:limit]
    rows = list(queryset[: max(limit, CASE_PAGE_ROWS)])
    setattr(case, key, rows)
    return rows[:limit]


def case_promises(case: Case, limit: int = 10) -> list[Promise]:
    """The case's newest promises (the case was scoped by the caller), newest first."""
    queryset = (
        Promise.objects.filter(case_id=case.pk)
        .select_related("made_by")
        .order_by("-created_at", "-pk")
    )
    return _newest(case, "_newest_promises", queryset, limit, "promises")


def case_payments(case: Case, limit: int = 10) -> list[Payment]:
    """The case's newest payments (the case was scoped by the caller), newest first."""
    queryset = (
        Payment.objects.filter(case_id=case.pk)
        .select_related("claimed_by", "confirmed_by")
        .order_by("-claimed_at", "-pk")
    )
    return _newest(case, "_newest_payments", queryset, limit, "payments")


def case_money(case: Case) -> dict:
    """The case page panel's rows: promises, the live plan, payments (three small queries,
    two of them shared with the timeline)."""
    plan = None
    if case_page_data(case).has("payment_plans"):
        plan = (
            PaymentPlan.objects.filter(
                case_id=case.pk,
                status__in=(PaymentPlan.Status.ACTIVE, PaymentPlan.Status.PENDING_APPROVAL),
            )
            .order_by("-pk")
            .first()
        )
    return {
        "promises": case_promises(case, 10),
        "plan": plan,
        "payments": case_payments(case, 10),
    }


# --- Timeline -----------------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=company_tz())


@timeline_source("promise")
def promise_timeline_entries(case: Case, user, limit: int) -> list[TimelineEntry]:
    entries = []
    for promise in case_promises(case, limit):
        if promise.plan_id:
            title = _("Instalment %(number)s of a payment plan: %(amount)s by %(due)s") % {
                "number": promise.plan_instalment,
                "amount": f"{promise.amount:,.2f}",
                "due": promise.due_on.isoformat(),
            }
        else:
            title = _("Promise to pay %(amount)s by %(due)s") % {
                "amount": f"{promise.amount:,.2f}",
                "due": promise.due_on.isoformat(),
            }
        entries.append(
            TimelineEntry(
                at=promise.created_at,
                kind="promise",
                title=title,
                detail=promise.notes,
                actor=_name(promise.made_by),
                extra={"status": promise.status},
            )
        )
        if promise.settled_at and promise.status in Promise.SETTLED_STATUSES:
            entries.append(
                TimelineEntry(
                    at=promise.settled_at,
                    kind="promise_settled",
                    title=_("Promise of %(amount)s due %(due)s: %(status)s (paid %(paid)s)")
                    % {
                        "amount": f"{promise.amount:,.2f}",
                        "due": promise.due_on.isoformat(),
                        "status": promise.get_status_display().lower(),
                        "paid": f"{promise.amount_paid:,.2f}",
                    },
                )
            )
    return entries


@timeline_source("payment")
def payment_timeline_entries(case: Case, user, limit: int) -> list[TimelineEntry]:
    entries = []
    for payment in case_payments(case, limit):
        values = {
            "amount": f"{payment.amount:,.2f}",
            "paid": payment.paid_on.isoformat(),
            "channel": payment.get_channel_display().lower(),
        }
        url = reverse("cases:payment_detail", args=[payment.pk])
        entries.append(
            TimelineEntry(
                at=payment.claimed_at,
                kind="payment",
                title=_("Payment of %(amount)s on %(paid)s claimed (%(channel)s)") % values,
                actor=_name(payment.claimed_by),
                url=url,
            )
        )
        if payment.confirmed_at:
            entries.append(
                TimelineEntry(
                    at=payment.confirmed_at,
                    kind="payment_confirmed",
                    title=_("Payment of %(amount)s on %(paid)s confirmed") % values,
                    actor=_name(payment.confirmed_by),
                    url=url,
                )
            )
        if payment.rejected_at:
            entries.append(
                TimelineEntry(
                    at=payment.rejected_at,
                    kind="payment_rejected",
                    title=_("Payment of %(amount)s on %(paid)s rejected") % values,
                    detail=payment.rejected_reason,
                    url=url,
                )
            )
        if payment.reversed_at:
            entries.append(
                TimelineEntry(
                    at=payment.reversed_at,
                    kind="payment_reversed",
                    title=_("Payment of %(amount)s on %(paid)s reversed") % values,
                    detail=payment.reversed_reason,
                    url=url,
                )
            )
    return entries
