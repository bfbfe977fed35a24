"""Payments: the list of claims a supervisor or finance confirms (one list, filterable), a
payment's page (its receipt, history, and confirm / reject / reverse), the receipt file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..access import CASE_VIEWER_ROLES, COLLECTOR_ROLES
from ..models import Payment
from ..money_forms import PaymentFilterForm, ReasonForm
from ..selectors import money as money_selectors
from ..services import payments as payment_services
from .common import attachment_response, history_rows

CHECKER_ROLES = payment_services.PAYMENT_CHECKER_ROLES
DETAIL_ROLES = (*selectors.CASE_VIEWER_ROLES, *COLLECTOR_ROLES, roles.FINANCE)
PAGE_SIZE = 50


@role_required(*CHECKER_ROLES)
@in_company_time
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    filters = form.filters()
    visible = money_selectors.payment_list(user=request.user)
    payments = money_selectors.payments_filtered(visible, **filters)
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    collector_ids = visible.values_list("claimed_by_id", flat=True).distinct()
    return render(
        request,
        "cases/money/payment_list.html",
        {
            "page": page,
            "filters": filters,
            "status_choices": Payment.Status.choices,
            "channel_choices": Payment.Channel.choices,
            "banks": selectors.case_filter_banks(user=request.user),
            "collectors": get_user_model()
            .objects.filter(pk__in=collector_ids)
            .order_by("first_name", "last_name", "username"),
            "querystring": request.GET.urlencode(),
        },
    )


def _payment(request, pk: int) -> Payment:
    return get_scoped_object_or_404(
        money_selectors.payment_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*DETAIL_ROLES)
@in_company_time
def payment_detail(request, pk: int):
    return _detail_response(request, _payment(request, pk))


def _detail_response(request, payment: Payment, *, reason_form=None, status=200):
    checker = has_role(request.user, *CHECKER_ROLES)
    return render(
        request,
        "cases/money/payment_detail.html",
        {
            "payment": payment,
            "case": payment.case,
            "may_decide": checker
            and payment.status == Payment.Status.CLAIMED
            and payment.claimed_by_id != request.user.pk,
            "own_claim": payment.claimed_by_id == request.user.pk,
            # Finance checks payments without opening case pages: no link to a 403.
            "may_open_case": has_role(request.user, *CASE_VIEWER_ROLES, *COLLECTOR_ROLES),
            "may_reverse": checker and payment.status == Payment.Status.CONFIRMED,
            "reason_form": reason_form or ReasonForm(),
            "history": history_rows(payment.history.select_related("history_user")),
        },
        status=status,
    )


@role_required(*CHECKER_ROLES)
@in_company_time
@require_POST
def payment_confirm(request, pk: int):
    payment = _payment(request, pk)
    try:
        payment_services.payment_confirm(payment=payment, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not confirm this payment."))
        return redirect("cases:payment_detail", pk=payment.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:payment_detail", pk=payment.pk)
    messages.success(request, _("Payment confirmed: the balance and promises are updated."))
    if request.POST.get("next") == "list":
        return redirect("cases:payments")
    return redirect("cases:payment_detail", pk=payment.pk)


def _with_reason(request, pk: int, service, done: str):
    payment = _payment(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(payment=payment, actor=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not decide on this payment."))
            return redirect("cases:payment_detail", pk=payment.pk)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:payment_detail", pk=payment.pk)
    return _detail_response(request, payment, reason_form=form, status=400)


@role_required(*CHECKER_ROLES)
@in_company_time
@require_POST
def payment_reject(request, pk: int):
    return _with_reason(request, pk, payment_services.payment_reject, _("Payment rejected."))


@role_required(*CHECKER_ROLES)
@in_company_time
@require_POST
def payment_reverse(request, pk: int):
    return _with_reason(
        request,
        pk,
        payment_services.payment_reverse,
        _("Payment reversed: the balance is restored and its promises re-judged."),
    )


@role_required(*DETAIL_ROLES)
def payment_receipt(request, pk: int):
    payment = _payment(request, pk)
    if not payment.receipt:
        raise Http404
    extension = payment.receipt.name.rsplit(".", 1)[-1]
    return attachment_response(payment.receipt, f"receipt-{payment.pk}.{extension}")
