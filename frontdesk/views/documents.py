"""Document register pages: list and export, register, route, sign, records, scans."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time, sort_queryset
from collections_office.personal_data import decrypt_bytes
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from .. import forms, selectors, services
from ..models import Document
from .common import (
    correct_entry_page,
    date_param,
    desk_only,
    entry_history,
    flash_errors,
    void_entry_page,
)

DOCUMENT_SORTS = {
    "number": "register_number",
    "registered": "registered_at",
    "date": "document_date",
    "title": "title",
    "sender": "sender",
    "status": "status",
    "due": "reply_due",
}


def _filtered_documents(request):
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "direction": request.GET.get("direction", ""),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
    }
    queryset = selectors.document_list_filtered(
        user=request.user,
        query=filters["q"],
        status=filters["status"],
        direction=filters["direction"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
    )
    return queryset, filters


@role_required()
@in_company_time
def document_list(request):
    queryset, filters = _filtered_documents(request)
    queryset, sort = sort_queryset(queryset, request, DOCUMENT_SORTS, "-registered")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _document_export(queryset, export)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "frontdesk/document_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "status_choices": Document.Status.choices,
            "direction_choices": Document.Direction.choices,
            "is_desk": selectors.is_desk(request.user),
            "export_query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


def _document_export(queryset, kind: str):
    header = [
        _("Register no."),
        _("Kind"),
        _("Title"),
        _("Reference no."),
        _("Sender"),
        _("Receiving unit"),
        _("Date"),
        _("Urgency"),
        _("Confidentiality"),
        _("Reply due"),
        _("Status"),
    ]

    def rows():
        for document in queryset.iterator(chunk_size=500):
            confidential = document.is_confidential
            yield [
                document.register_number,
                document.get_direction_display(),
                # A spreadsheet travels: confidential titles stay out of it.
                _("(confidential)") if confidential else document.title,
                document.reference_number,
                document.sender,
                document.receiving_unit,
                document.document_date,
                document.get_urgency_display(),
                document.get_confidentiality_display(),
                document.reply_due,
                document.get_status_display(),
            ]

    stamp = timezone.localdate().isoformat()
    if kind == "xlsx":
        return xlsx_response(f"documents-{stamp}.xlsx", header, rows())
    return csv_response(f"documents-{stamp}.csv", header, rows())


@in_company_time
@desk_only
def document_register(request):
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files", [])
        try:
            document = services.document_register(actor=request.user, files=files, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Registered as %(number)s. Route it to whoever must sign for it.")
                % {"number": document.register_number},
            )
            return redirect("frontdesk:document_detail", pk=document.pk)
    return render(request, "frontdesk/document_form.html", {"form": form})


def _document_page(request, document, **extra):
    user = request.user
    steps = list(document.steps.select_related("recipient", "routed_by", "recipient_department"))
    current = steps[-1] if steps else None
    may_manage = selectors.may_manage_document(user=user, document=document)
    signed = any(s.recipient_id == user.pk and s.signed_at for s in steps)
    is_recipient = any(s.recipient_id == user.pk for s in steps)
    context = {
        "document": document,
        "steps": steps,
        "attachments": selectors.document_attachments(document=document),
        "voided_attachments": selectors.document_attachments_voided(document=document)
        if may_manage
        else [],
        "records": document.records.select_related("recorded_by"),
        "may_manage": may_manage,
        "may_route": selectors.may_route_document(
            user=user, document=document, current_step=current
        ),
        "may_record": selectors.may_record_on_document(user=user, document=document, signed=signed),
        "may_attach": selectors.may_attach_to_document(
            user=user, document=document, is_recipient=is_recipient
        ),
        "route_form": forms.RouteForm(user=user),
        "record_form": forms.RecordForm(),
        "attach_form": forms.AttachForm(),
        "void_form": forms.VoidForm(),
        "history": entry_history(document),
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    context.update(extra)
    return render(request, "frontdesk/document_detail.html", context)


@in_company_time
def document_detail(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    return _document_page(request, document)


@in_company_time
@require_POST
def document_route(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.RouteForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            step = services.document_route(
                document=document, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Routed to %(name)s, who has been asked to sign for it.")
                % {"name": step.recipient.get_full_name() or step.recipient.username},
            )
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, route_form=form)


@in_company_time
@require_POST
def step_sign(request, pk: int, step_pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    step = get_scoped_object_or_404(document.steps.all(), user=request.user, pk=step_pk)
    try:
        services.step_sign(step=step, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Signed for. The desk can see who signed and when."))
    return redirect("frontdesk:document_detail", pk=document.pk)


@in_company_time
@require_POST
def document_record(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.RecordForm(request.POST)
    if form.is_valid():
        try:
            services.document_record_add(document=document, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The record is added."))
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, record_form=form)


@in_company_time
@require_POST
def document_attach(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_attach(
                document=document, actor=request.user, files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The scans are attached."))
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, attach_form=form)


@in_company_time
@require_POST
def document_close(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        services.document_close(document=document, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The document is closed."))
    return redirect("frontdesk:document_detail", pk=document.pk)


@in_company_time
@desk_only
def document_correct(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    if not selectors.may_manage_document(user=request.user, document=document):
        raise PermissionDenied
    form = forms.DocumentCorrectionForm(request.POST or None, instance=document)
    return correct_entry_page(
        request,
        form=form,
        # The form has already put its values on `document`: the service gets a fresh row.
        correct=lambda **fields: services.document_correct(
            document=Document.objects.get(pk=document.pk), **fields
        ),
        template="frontdesk/document_correct.html",
        context={"document": document},
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
    )


@in_company_time
@desk_only
@require_POST
def attachment_void(request, pk: int, attachment_pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    attachment = selectors.attachment_get(user=request.user, document=document, pk=attachment_pk)
    return void_entry_page(
        request,
        void=lambda **fields: services.attachment_void(attachment=attachment, **fields),
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
        success=_("The scan %(name)s is void; it is kept but no longer offered.")
        % {"name": attachment.original_name},
    )


@in_company_time
@require_POST
def document_void(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    return void_entry_page(
        request,
        void=lambda **fields: services.document_void(document=document, **fields),
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
    )


def attachment_download(request, pk: int, attachment_pk: int):
    """Serves a scan as a download, only to people who may see its document."""
    document = selectors.document_get(user=request.user, pk=pk)
    attachment = selectors.attachment_get(user=request.user, document=document, pk=attachment_pk)
    try:
        with default_storage.open(attachment.stored_name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    if attachment.encrypted:
        data = decrypt_bytes(data)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
