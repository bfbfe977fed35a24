"""`seed_demo`'s promises, payment plans and payments for every demo phone collector.

On the collector's worked cases (cases.demo_work runs first): promises due today, promises
that broke last week, promises kept and partly kept by confirmed payments, a payment plan
with its first instalment paid, a plan outside the agreement's terms waiting for the
supervisor, and payments claimed and waiting for a supervisor or finance. The agreements
get minimum plan terms when they have none.

Payments go through the services (claimed by the collector, confirmed by the branch's
supervisor), so balances, history and promise statuses are what the product makes of
them. Idempotent: a collector who already recorded a promise is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from staff import roles

from .models import Agreement, Case, PaymentPlan, Promise
from .services.payments import payment_claim, payment_confirm
from .services.promise_settlement import promises_settle
from .services.promises import company_today, plan_propose

DAY = dt.timedelta(days=1)


def _promise(case, collector, amount, *, made, due) -> Promise:
    promise = Promise.objects.create(
        case=case, amount=Decimal(amount), due_on=due, counts_from=made, made_by=collector
    )
    return promise


def _pay(case, collector, supervisor, amount, paid_on, *, confirm=True):
    case.refresh_from_db()
    amount = min(Decimal(amount), case.balance)
    payment = payment_claim(
        case=case,
        actor=collector,
        amount=amount,
        paid_on=paid_on,
        channel="to_bank",
        reference=f"DEMO-{case.pk}-{paid_on:%m%d}",
    )
    if confirm:
        payment_confirm(payment=payment, actor=supervisor)
    return payment


def _terms(cases) -> None:
    ids = {case.agreement_id for case in cases}
    Agreement.objects.filter(
        pk__in=ids,
        plan_min_down_payment_percent__isnull=True,
        plan_max_instalments__isnull=True,
        plan_max_term_months__isnull=True,
    ).update(
        plan_min_down_payment_percent=Decimal("20"),
        plan_max_instalments=6,
        plan_max_term_months=12,
    )


def _seed_collector(collector, supervisor, today: dt.date) -> dict:
    cases = list(
        Case.objects.filter(assigned_to=collector, status__in=Case.OPEN_STATUSES).order_by(
            "account_no"
        )[:14]
    )
    if len(cases) < 14:
        return {}
    _terms(cases)
    due_today, broken, kept, partly, plan_case, pending_case, claims = (
        cases[0:3],
        cases[3:6],
        cases[6:8],
        cases[8:9],
        cases[9],
        cases[10],
        cases[11:14],
    )
    for case in due_today:
        _promise(case, collector, "1500.00", made=today - 4 * DAY, due=today)
    for case in broken:
        _promise(case, collector, "800.00", made=today - 12 * DAY, due=today - 5 * DAY)
    for case in kept:
        _promise(case, collector, "500.00", made=today - 9 * DAY, due=today - 2 * DAY)
        _pay(case, collector, supervisor, "500.00", today - 3 * DAY)
    for case in partly:
        _promise(case, collector, "1000.00", made=today - 10 * DAY, due=today - 3 * DAY)
        _pay(case, collector, supervisor, "400.00", today - 4 * DAY)
    # The nightly run has settled what fell due before today.
    promises_settle(today=today)
    total = min(Decimal("3000.00"), plan_case.balance).quantize(Decimal("0.01"))
    first = (total * Decimal("0.4")).quantize(Decimal("0.01"))
    second = ((total - first) / 2).quantize(Decimal("0.01"))
    plan_propose(
        case=plan_case,
        actor=collector,
        total_amount=total,
        instalments=[
            (first, today),
            (second, today + 30 * DAY),
            (total - first - second, today + 60 * DAY),
        ],
    )
    _pay(plan_case, collector, supervisor, str(first), today)
    # Ten monthly instalments with a 5 % down payment: outside the terms, for approval.
    total = min(Decimal("5000.00"), pending_case.balance).quantize(Decimal("0.01"))
    down = (total * Decimal("0.05")).quantize(Decimal("0.01"))
    rest = ((total - down) / 9).quantize(Decimal("0.01"))
    rows = [(down, today + 3 * DAY)] + [(rest, today + (3 + 30 * n) * DAY) for n in range(1, 9)]
    rows.append((total - down - rest * 8, today + 273 * DAY))
    plan_propose(
        case=pending_case,
        actor=collector,
        total_amount=total,
        instalments=rows,
        reason="Debtor lost his job in October; can pay small monthly amounts until he "
        "finds work (letter from the employer on file).",
    )
    for offset, case in enumerate(claims):
        amount = f"{300 + 100 * offset}.00"
        _pay(case, collector, supervisor, amount, today - offset * DAY, confirm=False)
    # The cases' queue columns (promise due, promise broken) follow the rows written here.
    promises_settle(today=today, case_ids=[case.pk for case in cases])
    return {"promises": 9, "plans": 2, "payments": 7}


def seed(*, stdout=None) -> dict:
    User = get_user_model()
    collectors = list(
        User.objects.filter(groups__name=roles.PHONE_COLLECTOR, username__contains=".collector")
        .select_related("staff_profile__branch")
        .order_by("username")
    )
    today = company_today()
    totals = {"promises": 0, "plans": 0, "payments": 0}
    for collector in collectors:
        if Promise.objects.filter(made_by=collector).exists():
            continue
        supervisor = User.objects.filter(
            groups__name=roles.SUPERVISOR, staff_profile__branch=collector.staff_profile.branch
        ).first()
        if supervisor is None:
            continue
        with transaction.atomic():
            summary = _seed_collector(collector, supervisor, today)
        for key, value in summary.items():
            totals[key] += value
    if stdout:
        stdout.write(
            "cases: {promises} promises, {plans} payment plans, {payments} payments for demo "
            "collectors".format(**totals)
        )
    return totals


__all__ = ["PaymentPlan", "seed"]
