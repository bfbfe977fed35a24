"""Staff pages of the cases app: banks, agreements, API keys, placements and cases.

Thin views: the role gate (403), the scoped selector (someone else's object
is a 404), a form, one service call. Personal data is shown masked; the
"show full" button records who saw what (DESIGN §3).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import NO_STORE, csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time, sort_queryset
from collections_office.personal_data import keyed_hash
from staff.selectors import get_scoped_object_or_404, has_role, sees_all_branches
from staff.services import personal_data_view_record

from . import selectors
from .forms import (
    AgreementForm,
    ApiKeyForm,
    BankForm,
    BucketRateFormSet,
    CaseFilterForm,
    ColumnMappingFormSet,
    PlacementUploadForm,
    bucket_rates_from,
    column_mapping_initial,
)
from .models import Agreement, Case, ContactPoint, OverdueBucket, Placement, overdue_bucket
from .services import banks as bank_services
from .services.banks import BANK_FIELDS

IN_FLIGHT = (Placement.Status.RECEIVED, Placement.Status.PROCESSING)
ORIGINAL_DOWNLOAD_PERMISSION = "cases.download_placement_original"
logger = logging.getLogger(__name__)


def _require(user, roles) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def _require_bank_manager(user) -> None:
    _require(user, selectors.BANK_MANAGER_ROLES)


def _shown(value):
    """A history value as people read it: times in the company's zone, to the minute."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def history_rows(records, *, limit: int = 50) -> list[dict]:
    """Newest first: each history row with the fields it changed (old → new).

    Diffs are made between neighbouring rows in memory (no query per row).
    """
    records = list(records[: limit + 1])
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                {"field": change.field, "old": _shown(change.old), "new": _shown(change.new)}
                for change in delta.changes
                if change.field not in {"updated_at"}
            ]
        rows.append({"entry": record, "changes": changes})
    return rows


# --- Banks ------------------------------------------------------------------------------


@in_company_time
def bank_list(request):
    _require_bank_manager(request.user)
    banks = selectors.bank_list(user=request.user).annotate(agreement_count=Count("agreements"))
    query = request.GET.get("q", "").strip()
    if query:
        banks = banks.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(banks.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "cases/bank_list.html", {"page": page, "query": query})


@in_company_time
def bank_create(request):
    _require_bank_manager(request.user)
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


@in_company_time
def bank_detail(request, pk: int):
    _require_bank_manager(request.user)
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
            "may_issue_keys": selectors.bank_list_for_keys(user=request.user)
            .filter(pk=bank.pk)
            .exists(),
            "history": history,
            "mapping": sorted(bank.column_mapping.items()),
            "now": timezone.now(),
        },
    )


@in_company_time
def bank_edit(request, pk: int):
    _require_bank_manager(request.user)
    bank = _bank(request, pk)
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


@in_company_time
def bank_mapping_edit(request, pk: int):
    """A key/value editor of the bank's placement-file headers → our fields."""
    _require_bank_manager(request.user)
    bank = _bank(request, pk)
    formset = ColumnMappingFormSet(
        request.POST or None, initial=column_mapping_initial(bank), prefix="mapping"
    )
    mapping_errors = []
    if request.method == "POST" and formset.is_valid():
        mapping = {
            form.cleaned_data["header"].strip(): form.cleaned_data.get("target", "")
            for form in formset.forms
            if form.cleaned_data.get("header", "").strip()
        }
        headers = [
            form.cleaned_data["header"].strip()
            for form in formset.forms
            if form.cleaned_data.get("header", "").strip()
        ]
        duplicates = sorted({h for h in headers if headers.count(h) > 1})
        try:
            if duplicates:
                raise ValidationError(
                    {
                        "column_mapping": [
                            _("The header “%s” is mapped twice.") % h for h in duplicates
                        ]
                    }
                )
            bank_services.bank_column_mapping_set(bank=bank, mapping=mapping, actor=request.user)
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


@in_company_time
def api_key_list(request):
    _require_bank_manager(request.user)
    keys = selectors.api_key_list(user=request.user).order_by("bank__name", "-created_at")
    page = Paginator(keys, 50).get_page(request.GET.get("page"))
    return render(request, "cases/api_key_list.html", {"page": page, "now": timezone.now()})


@in_company_time
def api_key_issue(request, pk: int):
    """Issues a key; the full key is on this response only — never stored, never shown again."""
    _require_bank_manager(request.user)
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


@in_company_time
@require_POST
def api_key_revoke(request, pk: int):
    _require_bank_manager(request.user)
    key = get_scoped_object_or_404(
        selectors.api_key_list(user=request.user), user=request.user, pk=pk
    )
    bank_services.api_key_revoke(api_key=key, actor=request.user)
    messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
    if request.POST.get("next") == "bank":
        return redirect("cases:bank_detail", pk=key.bank_id)
    return redirect("cases:api_keys")


# --- Agreements -------------------------------------------------------------------------


@in_company_time
def agreement_list(request):
    _require_bank_manager(request.user)
    agreements = selectors.agreement_list(user=request.user)
    bank_id = request.GET.get("bank", "")
    if bank_id.isdigit():
        agreements = agreements.filter(bank_id=int(bank_id))
    page = Paginator(agreements.order_by("bank__name", "-effective_from"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "cases/agreement_list.html", {"page": page, "today": timezone.localdate()}
    )


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


@in_company_time
def agreement_create(request, bank_pk: int):
    _require_bank_manager(request.user)
    bank = _bank(request, bank_pk)
    return _agreement_form_page(request, bank=bank, agreement=None)


def _agreement(request, pk: int) -> Agreement:
    return get_scoped_object_or_404(
        selectors.agreement_list(user=request.user), user=request.user, pk=pk
    )


@in_company_time
def agreement_edit(request, pk: int):
    _require_bank_manager(request.user)
    agreement = _agreement(request, pk)
    return _agreement_form_page(request, bank=agreement.bank, agreement=agreement)


@in_company_time
def agreement_detail(request, pk: int):
    _require_bank_manager(request.user)
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
            "today": timezone.localdate(),
        },
    )


@in_company_time
def agreement_document(request, pk: int):
    _require_bank_manager(request.user)
    agreement = _agreement(request, pk)
    if not agreement.document:
        raise Http404
    return _attachment(agreement.document, agreement.document.name.rsplit("/", 1)[-1])


# --- Placements -------------------------------------------------------------------------

PLACEMENT_SORTS = {"received": "received_at", "bank": "bank__name", "status": "status"}


@in_company_time
def placement_list(request):
    _require_bank_manager(request.user)
    placements = selectors.placement_list(user=request.user)
    status = request.GET.get("status", "")
    if status in Placement.Status.values:
        placements = placements.filter(status=status)
    bank_id = request.GET.get("bank", "")
    if bank_id.isdigit():
        placements = placements.filter(bank_id=int(bank_id))
    placements, sort = sort_queryset(placements, request, PLACEMENT_SORTS, "-received")
    page = Paginator(placements, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sort": sort,
        "status": status,
        "status_choices": Placement.Status.choices,
        "in_flight": any(p.status in IN_FLIGHT for p in page),
        "sla_minutes": _sla_minutes(),
        "now": timezone.now(),
    }
    if request.htmx:
        return render(request, "cases/placement_list.html#placement-rows", context)
    return render(request, "cases/placement_list.html", context)


def _sla_minutes() -> int:
    from django.conf import settings

    return settings.PLACEMENT_IMPORT_SLA_MINUTES


@in_company_time
def placement_upload(request):
    """Staff upload a file a bank sent by other means (e-mail, SFTP) on the bank's behalf."""
    _require_bank_manager(request.user)
    from .services.placements import PlacementConflict, PlacementInputError, placement_receive

    agreements = selectors.agreement_list(user=request.user)
    banks = selectors.bank_list(user=request.user).filter(
        pk__in=Subquery(agreements.values("bank_id"))
    )
    form = PlacementUploadForm(
        request.POST or None, request.FILES or None, banks=banks, agreements=agreements
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement, created = placement_receive(
                bank=form.cleaned_data["bank"],
                uploaded_file=form.cleaned_data["file"],
                agreement=form.cleaned_data.get("agreement"),
                uploaded_by=request.user,
            )
        except PlacementInputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except PlacementConflict as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(request, _("File received; the import has started."))
            else:
                messages.info(
                    request, _("This file was already received: here is its first placement.")
                )
            return redirect("cases:placement_detail", pk=placement.pk)
    return render(request, "cases/placement_upload.html", {"form": form})


def _placement(request, pk: int) -> Placement:
    return get_scoped_object_or_404(
        selectors.placement_list(user=request.user), user=request.user, pk=pk
    )


def _progress(placement: Placement) -> int:
    if placement.status == Placement.Status.COMPLETED:
        return 100
    if not placement.rows_total:
        return 0
    return min(100, placement.rows_done * 100 // placement.rows_total)


def _is_late(placement: Placement, now=None) -> bool:
    now = now or timezone.now()
    deadline = placement.received_at + dt.timedelta(minutes=_sla_minutes())
    finished = placement.finished_at if placement.status == Placement.Status.COMPLETED else None
    return (finished or now) > deadline


@in_company_time
def placement_detail(request, pk: int):
    _require_bank_manager(request.user)
    placement = _placement(request, pk)
    context = {
        "placement": placement,
        "progress": _progress(placement),
        "in_flight": placement.status in IN_FLIGHT,
        "late": _is_late(placement),
    }
    if request.htmx and request.GET.get("part") == "progress":
        response = render(request, "cases/placement_detail.html#placement-progress", context)
        if not context["in_flight"]:
            # Finished while the page was open: reload it once to show the rejected rows.
            response["HX-Refresh"] = "true"
        return response
    errors = selectors.placement_errors(placement=placement)
    context["errors_page"] = Paginator(errors, 100).get_page(request.GET.get("page"))
    return render(request, "cases/placement_detail.html", context)


@in_company_time
def placement_errors_download(request, pk: int, file_format: str):
    _require_bank_manager(request.user)
    placement = _placement(request, pk)
    rows = (
        selectors.placement_errors(placement=placement)
        .values_list("row_number", "column", "severity", "message")
        .iterator(chunk_size=2000)
    )
    header = [_("row"), _("column"), _("severity"), _("message")]
    name = f"placement-{placement.pk}-rejected-rows"
    if file_format == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)


@in_company_time
def placement_original(request, pk: int):
    """The bank's file as received: every debtor in it unmasked, so a permission of its own."""
    _require_bank_manager(request.user)
    placement = _placement(request, pk)
    if not request.user.has_perm(ORIGINAL_DOWNLOAD_PERMISSION):
        raise PermissionDenied
    if not placement.original_file:
        raise Http404
    response = _attachment(placement.original_file, placement.original_name)
    personal_data_view_record(
        user=request.user,
        obj=placement,
        fields=["original_file"],
        path=request.path,
        # Rows of the file (one person each); not known before the import has counted them.
        records=placement.rows_total or None,
    )
    return response


def _attachment(field_file, filename: str):
    """A stored file as a download; a file missing from storage is a logged 404, not a 500."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file is missing", extra={"file": field_file.name})
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = NO_STORE
    return response


# --- Cases ------------------------------------------------------------------------------

CASE_SORTS = {
    "account": "account_no",
    "debtor": "debtor__name",
    "bank": "bank__name",
    "status": "status",
    "balance": "total_balance",
    "overdue": "overdue_since",
    "updated": "updated_at",
}


def _case_search(queryset, query: str):
    """Account number, debtor name, resident ID (by keyed hash) or phone (by keyed hash)."""
    condition = Q(account_no__istartswith=query) | Q(debtor__name__icontains=query)
    compact = query.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:17].isdigit():
        from .normalise import validate_id_number

        try:
            number = validate_id_number(compact)[0]
        except ValueError:
            number = compact
        condition |= Q(debtor__id_number_hash=keyed_hash(number))
    digits = sum(ch.isdigit() for ch in compact)
    if 7 <= digits <= 15:
        from .normalise import normalise_phone

        try:
            phone = normalise_phone(query)
        except ValueError:
            phone = ""
        if phone:
            debtors = ContactPoint.objects.filter(
                kind=ContactPoint.Kind.PHONE, value_hash=keyed_hash(phone)
            ).values("debtor_id")
            condition |= Q(debtor_id__in=Subquery(debtors))
    return queryset.filter(condition)


@in_company_time
def case_list(request):
    _require(request.user, selectors.CASE_VIEWER_ROLES)
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list_with_balance(user=request.user)
    form.is_valid()  # a bad filter is reported on the page; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    if data.get("q", "").strip():
        cases = _case_search(cases, data["q"].strip())
    if data.get("bank"):
        cases = cases.filter(bank=data["bank"])
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("branch"):
        cases = cases.filter(branch=data["branch"])
    if data.get("bucket"):
        cases = cases.filter(selectors.overdue_bucket_range(data["bucket"]))
    cases, sort = sort_queryset(cases, request, CASE_SORTS, "-updated")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for case in page:
        case.bucket = overdue_bucket(case.overdue_since, today)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "form": form,
            "query": request.GET.get("q", ""),
            "sort": sort,
            "banks": selectors.case_filter_banks(user=request.user),
            "status_choices": Case.Status.choices,
            "bucket_choices": OverdueBucket.choices,
            "branches": _branch_choices(request.user),
            "selected": {
                key: request.GET.get(key, "") for key in ("bank", "status", "branch", "bucket")
            },
        },
    )


def _branch_choices(user):
    if not sees_all_branches(user):
        return []
    from staff.models import Branch

    return list(Branch.objects.values_list("pk", "name"))


def _case(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.case_list_with_balance(user=request.user).select_related(
            "agreement", "last_placement"
        ),
        user=request.user,
        pk=pk,
    )


def mask_address(value: str) -> str:
    """Province and city (about the first 6 characters) stay; the street is hidden."""
    value = (value or "").strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:6] + "*" * min(len(value) - 6, 12)


def _may_see_personal_data(user, case: Case) -> bool:
    return has_role(user, *selectors.PERSONAL_DATA_VIEWER_ROLES) or (
        case.assigned_to_id is not None and case.assigned_to_id == user.pk
    )


@in_company_time
def case_detail(request, pk: int, *, revealed: bool = False):
    _require(request.user, selectors.CASE_VIEWER_ROLES + selectors.COLLECTOR_ROLES)
    case = _case(request, pk)
    contact_points = list(case.debtor.contact_points.all())
    for point in contact_points:
        if point.kind == ContactPoint.Kind.ADDRESS:
            point.masked = mask_address(point.value)
    linked = (
        selectors.case_list_with_balance(user=request.user)
        .filter(debtor=case.debtor)
        .exclude(pk=case.pk)
        .order_by("-placed_at")[:20]
    )
    history = history_rows(case.history.select_related("history_user").order_by("-history_id"))
    context = {
        "case": case,
        "debtor": case.debtor,
        "phones": [p for p in contact_points if p.kind == ContactPoint.Kind.PHONE],
        "addresses": [p for p in contact_points if p.kind == ContactPoint.Kind.ADDRESS],
        "linked": linked,
        "history": history,
        "bucket": overdue_bucket(case.overdue_since, timezone.localdate()),
        "may_reveal": _may_see_personal_data(request.user, case),
        "revealed": revealed,
    }
    if request.htmx and revealed:
        return render(request, "cases/case_detail.html#personal-data", context)
    return render(request, "cases/case_detail.html", context)


@in_company_time
@require_POST
def case_reveal(request, pk: int):
    """Shows the ID number, phones and addresses in full — and records that it happened."""
    _require(request.user, selectors.CASE_VIEWER_ROLES + selectors.COLLECTOR_ROLES)
    case = _case(request, pk)
    if not _may_see_personal_data(request.user, case):
        raise PermissionDenied
    personal_data_view_record(
        user=request.user,
        obj=case,
        fields=["debtor.id_number", "debtor.phones", "debtor.addresses"],
        path=request.path,
    )
    response = case_detail(request, pk, revealed=True)
    response["Cache-Control"] = NO_STORE  # unmasked ID and phones: no copy in any cache
    return response
