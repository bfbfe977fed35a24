"""Staff pages for banks, their API keys and agreements (admin staff)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, id_param, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from .. import selectors
from ..access import BANK_MANAGER_ROLES, may_change_bank_settings
from ..forms import (
    AgreementForm,
    ApiKeyForm,
    BankForm,
    BucketRateFormSet,
    ColumnMappingFormSet,
    bucket_rates_from,
    column_mapping_initial,
)
from ..models import Agreement
from ..selectors.repayments import repayment_file_list
from ..services import banks as bank_services
from ..services.banks import BANK_FIELDS
from .common import attachment_response, history_rows

# --- Banks ------------------------------------------------------------------------------


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def bank_list(request):
    query = request.GET.get("q", "").strip()
    banks = selectors.bank_list(user=request.user, query=query).annotate(
        agreement_count=Count("agreements")
    )
    page = Paginator(banks.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "cases/bank_list.html", {"page": page, "query": query})


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def bank_create(request):
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = bank_services.bank_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Bank %(name)s registered.") % {"name": bank.name})
            return redirect("cases:bank_detail", pk=bank.pk)
    return render(request, "cases/bank_form.html", {"form": form, "bank": None})


def _bank(request, pk: int):
    return get_scoped_object_or_404(
        selectors.bank_list(user=request.user), user=request.user, pk=pk
    )


def _require_bank_settings_owner(user) -> None:
    """Branch admin staff see the bank (read-only); changing it is HQ's (403, not 404)."""
    if not may_change_bank_settings(user):
        raise PermissionDenied


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def bank_detail(request, pk: int):
    bank = _bank(request, pk)
    agreements = selectors.agreement_list(user=request.user).filter(bank=bank)
    keys = selectors.api_key_list(user=request.user).filter(bank=bank)
    history = history_rows(bank.history.select_related("history_user").order_by("-history_id"))
    return render(
        request,
        "cases/bank_detail.html",
        {
            "bank": bank,
            "agreements": agreements,
            "keys": keys,
            "may_change_settings": may_change_bank_settings(request.user),
            "may_issue_keys": selectors.bank_list_for_keys(user=request.user)
            .filter(pk=bank.pk)
            .exists(),
            "history": history,
            "mapping": sorted(bank.column_mapping.items()),
            "now": timezone.now(),
        },
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def bank_edit(request, pk: int):
    bank = _bank(request, pk)
    _require_bank_settings_owner(request.user)
    form = BankForm(request.POST or None, instance=bank)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BANK_FIELDS}
        try:
            bank_services.bank_update(bank=_bank(request, pk), actor=request.user, **fields)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Bank details saved."))
            return redirect("cases:bank_detail", pk=bank.pk)
    return render(request, "cases/bank_form.html", {"form": form, "bank": bank})


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def bank_mapping_edit(request, pk: int):
    """A key/value editor of the bank's placement-file headers → our fields."""
    bank = _bank(request, pk)
    _require_bank_settings_owner(request.user)
    formset = ColumnMappingFormSet(
        request.POST or None, initial=column_mapping_initial(bank), prefix="mapping"
    )
    mapping_errors = []
    if request.method == "POST" and formset.is_valid():
        pairs = [
            (form.cleaned_data["header"].strip(), form.cleaned_data.get("target", ""))
            for form in formset.forms
            if form.cleaned_data.get("header", "").strip()
        ]
        try:
            bank_services.bank_column_mapping_set(bank=bank, mapping=pairs, actor=request.user)
        except ValidationError as exc:
            mapping_errors = exc.messages
        else:
            messages.success(request, _("Column mapping saved."))
            return redirect("cases:bank_detail", pk=bank.pk)
    return render(
        request,
        "cases/bank_mapping.html",
        {"bank": bank, "formset": formset, "mapping_errors": mapping_errors},
    )


# --- API keys ---------------------------------------------------------------------------


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def api_key_list(request):
    keys = selectors.api_key_list(user=request.user).order_by("bank__name", "-created_at")
    page = Paginator(keys, 50).get_page(request.GET.get("page"))
    return render(request, "cases/api_key_list.html", {"page": page, "now": timezone.now()})


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def api_key_issue(request, pk: int):
    """Issues a key; the full key is on this response only — never stored, never shown again."""
    bank = get_scoped_object_or_404(
        selectors.bank_list_for_keys(user=request.user), user=request.user, pk=pk
    )
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        key, raw_key = bank_services.api_key_issue(
            bank=bank, actor=request.user, name=form.cleaned_data["name"], expires_at=expires_at
        )
        response = render(
            request, "cases/api_key_issued.html", {"bank": bank, "key": key, "raw_key": raw_key}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "cases/api_key_form.html", {"bank": bank, "form": form})


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
@require_POST
def api_key_revoke(request, pk: int):
    key = get_scoped_object_or_404(
        selectors.api_key_list(user=request.user), user=request.user, pk=pk
    )
    bank_services.api_key_revoke(api_key=key, actor=request.user)
    messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
    if request.POST.get("next") == "bank":
        return redirect("cases:bank_detail", pk=key.bank_id)
    return redirect("cases:api_keys")


# --- Agreements -------------------------------------------------------------------------


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def agreement_list(request):
    bank_id = request.GET.get("bank", "")
    agreements = selectors.agreement_list(user=request.user, bank_id=id_param(bank_id))
    page = Paginator(agreements.order_by("bank__name", "-effective_from"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/agreement_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "show_retention_link": _reviews_retention(request.user),
        },
    )


def _reviews_retention(user) -> bool:
    """Headquarters' admin staff approve retention purges (the link to their page)."""
    from staff import roles
    from staff.selectors import has_role, sees_all_branches

    return sees_all_branches(user) and has_role(user, roles.ADMIN_STAFF)


def _agreement_form_page(request, *, bank, agreement: Agreement | None):
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        instance=agreement,
        user=request.user,
        bank=bank,
    )
    formset = BucketRateFormSet(request.POST or None, instance=agreement, prefix="rates")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data
        }
        if fields.get("document") is None and agreement is not None:
            fields.pop("document", None)  # unchanged
        elif fields.get("document") is False:
            fields["document"] = ""  # "clear" ticked
        try:
            if agreement is None:
                saved = bank_services.agreement_create(
                    actor=request.user, bank=bank, bucket_rates=bucket_rates_from(formset), **fields
                )
            else:
                saved = bank_services.agreement_update(
                    agreement=agreement,
                    actor=request.user,
                    bucket_rates=bucket_rates_from(formset),
                    **fields,
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "bucket_rates" in exc.error_dict:
                formset._non_form_errors = formset.error_class(exc.error_dict.pop("bucket_rates"))
            if not hasattr(exc, "error_dict") or exc.error_dict:
                form_errors_from(form, exc)
        else:
            messages.success(request, _("Agreement %(number)s saved.") % {"number": saved.number})
            return redirect("cases:agreement_detail", pk=saved.pk)
    return render(
        request,
        "cases/agreement_form.html",
        {"form": form, "formset": formset, "bank": bank, "agreement": agreement},
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def agreement_create(request, bank_pk: int):
    bank = _bank(request, bank_pk)
    return _agreement_form_page(request, bank=bank, agreement=None)


def _agreement(request, pk: int) -> Agreement:
    return get_scoped_object_or_404(
        selectors.agreement_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def agreement_edit(request, pk: int):
    agreement = _agreement(request, pk)
    return _agreement_form_page(request, bank=agreement.bank, agreement=agreement)


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def agreement_detail(request, pk: int):
    agreement = _agreement(request, pk)
    history = history_rows(agreement.history.select_related("history_user").order_by("-history_id"))
    return render(
        request,
        "cases/agreement_detail.html",
        {
            "agreement": agreement,
            "rates": agreement.bucket_rates.order_by("bucket"),
            "history": history,
            "placements": selectors.placement_list(user=request.user).filter(agreement=agreement)[
                :10
            ],
            "repayment_files": repayment_file_list(user=request.user, agreement_id=agreement.pk)[
                :10
            ],
            "today": timezone.localdate(),
            "show_retention_link": _reviews_retention(request.user),
            "retention_purges": (
                agreement.retention_purges.order_by("-listed_at")[:5]
                if _reviews_retention(request.user)
                else []
            ),
        },
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def agreement_document(request, pk: int):
    agreement = _agreement(request, pk)
    if not agreement.document:
        raise Http404
    return attachment_response(agreement.document, agreement.document.name.rsplit("/", 1)[-1])
