"""Staff pages for placements: the list with live progress, upload, detail, downloads."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import id_param, in_company_time, sort_queryset
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404
from staff.services import personal_data_view_record

from .. import selectors
from ..access import BANK_MANAGER_ROLES
from ..forms import (
    PlacementUploadForm,
)
from ..models import Placement
from .common import attachment_response

logger = logging.getLogger(__name__)


# --- Placements -------------------------------------------------------------------------

PLACEMENT_SORTS = {"received": "received_at", "bank": "bank__name", "status": "status"}


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_list(request):
    status = request.GET.get("status", "")
    bank_id = request.GET.get("bank", "")
    placements = selectors.placement_list(
        user=request.user, status=status, bank_id=id_param(bank_id)
    )
    placements, sort = sort_queryset(placements, request, PLACEMENT_SORTS, "-received")
    page = Paginator(placements, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sort": sort,
        "status": status,
        "status_choices": Placement.Status.choices,
        "in_flight": any(p.is_in_flight for p in page),
        "sla_minutes": settings.PLACEMENT_IMPORT_SLA_MINUTES,
        "now": timezone.now(),
    }
    if request.htmx:
        return render(request, "cases/placement_list.html#placement-rows", context)
    return render(request, "cases/placement_list.html", context)


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_upload(request):
    """Staff upload a file a bank sent by other means (e-mail, SFTP) on the bank's behalf."""
    from ..services.placements import PlacementConflict, PlacementInputError, placement_receive

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


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_detail(request, pk: int):
    placement = _placement(request, pk)
    context = {
        "placement": placement,
        "progress": placement.progress,
        "in_flight": placement.is_in_flight,
        "late": placement.is_late(),
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


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_errors_download(request, pk: int, file_format: str):
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


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_original(request, pk: int):
    """The bank's file as received: every debtor in it unmasked, so a permission of its own."""
    placement = _placement(request, pk)
    if not request.user.has_perm(roles.ORIGINAL_DOWNLOAD_PERMISSION):
        raise PermissionDenied
    if not placement.original_file:
        raise Http404
    response = attachment_response(placement.original_file, placement.original_name)
    personal_data_view_record(
        user=request.user,
        obj=placement,
        fields=["original_file"],
        path=request.path,
        # Rows of the file (one person each); not known before the import has counted them.
        records=placement.rows_total or None,
    )
    return response
