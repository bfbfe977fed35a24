"""The case page's "promises and payments" panel and its actions: record a promise, claim a
payment, propose a payment plan, cancel a promise or a plan; the plan's own page.

Each action is a POST that calls one service and comes back to the case page; a refused
input re-renders the page with the messages on the fields (status 400), nothing written.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..access import CASE_SUPERVISOR_ROLES, COLLECTOR_ROLES
from ..case_page import case_panel
from ..models import Case, PaymentPlan, Promise
from ..money_forms import PaymentClaimForm, PlanForm, PromiseForm, ReasonForm
from ..selectors import money as money_selectors
from ..services import payments as payment_services
from ..services import promises as promise_services
from ..services.plan_approval import plan_approval
from .common import history_rows

PAGE_ROLES = selectors.CASE_VIEWER_ROLES + COLLECTOR_ROLES


def may_record_money(user, case: Case) -> bool:
    return case.is_open and (
        case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)
    )


@case_panel("money", template="cases/money/_panel.html", order=25, column="main")
def money_panel(request, case: Case) -> dict:
    may_record = may_record_money(request.user, case)
    bound = getattr(request, "money_forms", {})
    context = {
        "case": case,
        "may_record": may_record,
        "open_form": getattr(request, "money_open_form", ""),
        **money_selectors.case_money(case),
    }
    if may_record:
        context["promise_form"] = bound.get("promise") or PromiseForm()
        context["payment_form"] = bound.get("payment") or PaymentClaimForm(
            initial={"channel": "to_bank"}
        )
        context["plan_form"] = bound.get("plan") or PlanForm()
    return context


def _case(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.case_list(user=request.user), user=request.user, pk=pk
    )


def _refused(request, pk: int, key: str, form):
    from .casepage import case_page_response

    request.money_forms = {key: form}
    request.money_open_form = key
    return case_page_response(request, pk, status=400)


def _back(case_pk: int):
    return redirect(reverse("cases:case_detail", args=[case_pk]) + "#money-panel")


@role_required(*PAGE_ROLES)
@in_company_time
@require_POST
def promise_create(request, pk: int):
    case = _case(request, pk)
    if not may_record_money(request.user, case):
        raise PermissionDenied
    form = PromiseForm(request.POST)
    if form.is_valid():
        try:
            promise_services.promise_record(
                case=case,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                due_on=form.cleaned_data["due_on"],
                notes=form.cleaned_data.get("notes", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Promise recorded."))
            return _back(case.pk)
    return _refused(request, pk, "promise", form)


@role_required(*PAGE_ROLES)
@in_company_time
@require_POST
def promise_cancel(request, pk: int):
    promise = get_scoped_object_or_404(
        money_selectors.promise_list(user=request.user), user=request.user, pk=pk
    )
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            promise_services.promise_cancel(
                promise=promise, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Promise cancelled."))
    else:
        messages.error(request, _("Say why the promise is cancelled."))
    return _back(promise.case_id)


@role_required(*PAGE_ROLES)
@in_company_time
@require_POST
def payment_claim(request, pk: int):
    case = _case(request, pk)
    if not may_record_money(request.user, case):
        raise PermissionDenied
    form = PaymentClaimForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment_services.payment_claim(
                case=case,
                actor=request.user,
                amount=data["amount"],
                paid_on=data["paid_on"],
                channel=data["channel"],
                reference=data.get("reference", ""),
                receipt=data.get("receipt"),
                over_balance_reason=data.get("over_balance_reason", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("Payment claimed: a supervisor or finance will confirm it.")
            )
            return _back(case.pk)
    return _refused(request, pk, "payment", form)


@role_required(*PAGE_ROLES)
@in_company_time
@require_POST
def plan_create(request, pk: int):
    case = _case(request, pk)
    if not may_record_money(request.user, case):
        raise PermissionDenied
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = promise_services.plan_propose(
                case=case,
                actor=request.user,
                total_amount=data["total_amount"],
                instalments=data["instalments"],
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            if plan.status == PaymentPlan.Status.ACTIVE:
                messages.success(request, _("Payment plan recorded."))
            else:
                messages.warning(
                    request,
                    _("The plan is outside the agreement's terms: it waits for a supervisor."),
                )
            return redirect("cases:plan_detail", pk=plan.pk)
    return _refused(request, pk, "plan", form)


def _plan(request, pk: int) -> PaymentPlan:
    return get_scoped_object_or_404(
        money_selectors.plan_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*PAGE_ROLES)
@in_company_time
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    instalments = list(plan.instalments.order_by("plan_instalment"))
    return render(
        request,
        "cases/money/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "instalments": instalments,
            "may_cancel": may_record_money(request.user, plan.case)
            and plan.status in (PaymentPlan.Status.ACTIVE, PaymentPlan.Status.PENDING_APPROVAL),
            "cancel_form": ReasonForm(),
            "approval": plan_approval(plan),
            "history": history_rows(plan.history.select_related("history_user")),
        },
    )


@role_required(*PAGE_ROLES)
@in_company_time
@require_POST
def plan_cancel(request, pk: int):
    plan = _plan(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            promise_services.plan_cancel(
                plan=plan, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Payment plan cancelled."))
    else:
        messages.error(request, _("Say why the plan is cancelled."))
    return redirect("cases:plan_detail", pk=plan.pk)


__all__ = ["Promise", "money_panel"]


# --- Dashboard: the claims waiting for a supervisor or finance -----------------------------


def _register_dashboard_panel() -> None:
    from ..dashboard import panels
    from ..models import Payment
    from ..selectors import assignment as assignment_selectors

    @panels.register(
        "payments-to-confirm",
        order=35,
        title=gettext_lazy("Payments to confirm"),
        roles=payment_services.PAYMENT_CHECKER_ROLES,
    )
    def payments_to_confirm(user) -> dict | None:
        if not has_role(user, *payment_services.PAYMENT_CHECKER_ROLES):
            return None
        waiting = money_selectors.payment_list(user=user).filter(status=Payment.Status.CLAIMED)
        oldest_first = waiting.order_by("claimed_at", "pk")
        # The oldest claims up to a cap, walked in the claims' partial index (claimed_at,
        # id): the panel costs the same however many claims wait ("100+" and the total of
        # those 100). One query of at most cap + 1 amounts.
        cap = assignment_selectors.COUNTED_UP_TO
        first = list(oldest_first.values_list("amount", "claimed_at")[: cap + 1])
        more = len(first) > cap
        first = first[:cap]
        summary = {
            "count": len(first),
            "total": sum((amount for amount, _at in first), Decimal("0.00")) if first else None,
            "oldest": first[0][1] if first else None,
        }
        return {
            "template": "cases/money/_dashboard.html",
            **summary,
            "more": more,
            "oldest_claims": list(oldest_first[:5]),
        }


_register_dashboard_panel()
