"""Staff pages for placements: the list with live progress, upload, detail, downloads."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.pages import id_param, in_company_time
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
from .bank_files import bank_file_list, bank_file_upload, progress_part, rejected_rows_download
from .common import attachment_response

logger = logging.getLogger(__name__)


# --- Placements -------------------------------------------------------------------------


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_list(request):
    placements = selectors.placement_list(
        user=request.user,
        status=request.GET.get("status", ""),
        bank_id=id_param(request.GET.get("bank", "")),
    )
    return bank_file_list(
        request,
        placements,
        template="cases/placement_list.html",
        rows_part="placement-rows",
        sla_minutes=settings.PLACEMENT_IMPORT_SLA_MINUTES,
        now=timezone.now(),
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_upload(request):
    """Staff upload a file a bank sent by other means (e-mail, SFTP) on the bank's behalf."""
    from ..services.placements import placement_receive

    return bank_file_upload(
        request,
        form_class=PlacementUploadForm,
        receive=placement_receive,
        template="cases/placement_upload.html",
        detail="cases:placement_detail",
        already=_("This file was already received: here is its first placement."),
    )


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
        return progress_part(request, "cases/placement_detail.html#placement-progress", context)
    errors = selectors.placement_errors(placement=placement)
    context["errors_page"] = Paginator(errors, 100).get_page(request.GET.get("page"))
    return render(request, "cases/placement_detail.html", context)


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def placement_errors_download(request, pk: int, file_format: str):
    placement = _placement(request, pk)
    return rejected_rows_download(
        selectors.placement_errors(placement=placement),
        columns=["row_number", "column", "severity", "message"],
        name=f"placement-{placement.pk}-rejected-rows",
        file_format=file_format,
    )


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
