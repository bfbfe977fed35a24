"""Staff pages for bank repayment files: the list with live progress, upload, detail with
counts, rejected and imported rows, and the rejected rows as CSV / XLSX (issue 13).

Admin staff (bank liaison) of the branch handling the agreement; HQ sees all.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from collections_office.pages import id_param, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from ..access import BANK_MANAGER_ROLES
from ..forms import RepaymentUploadForm
from ..models import RepaymentFile
from ..selectors import repayments as repayment_selectors
from .bank_files import bank_file_list, bank_file_upload, progress_part, rejected_rows_download

SHOWN_REPAYMENTS = 100


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_list(request):
    files = repayment_selectors.repayment_file_list(
        user=request.user,
        status=request.GET.get("status", ""),
        bank_id=id_param(request.GET.get("bank", "")),
        agreement_id=id_param(request.GET.get("agreement", "")),
    )
    return bank_file_list(
        request, files, template="cases/repayment_list.html", rows_part="repayment-rows"
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_upload(request):
    """Staff upload a repayment file a bank sent by other means (e-mail, SFTP)."""
    from ..services.repayments import repayment_file_receive

    return bank_file_upload(
        request,
        form_class=RepaymentUploadForm,
        receive=repayment_file_receive,
        template="cases/repayment_upload.html",
        detail="cases:repayment_file_detail",
        already=_("This file was already received: here is the first."),
    )


def _repayment_file(request, pk: int) -> RepaymentFile:
    return get_scoped_object_or_404(
        repayment_selectors.repayment_file_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_detail(request, pk: int):
    repayment_file = _repayment_file(request, pk)
    context = {
        "repayment_file": repayment_file,
        "progress": repayment_file.progress,
        "in_flight": repayment_file.is_in_flight,
    }
    if request.htmx and request.GET.get("part") == "progress":
        return progress_part(request, "cases/repayment_detail.html#repayment-progress", context)
    errors = repayment_selectors.repayment_file_errors(repayment_file=repayment_file)
    repayments = repayment_selectors.repayment_file_repayments(repayment_file=repayment_file)
    context["errors_page"] = Paginator(errors, 100).get_page(request.GET.get("page"))
    # The first rows as a check of what was read; the whole file is the bank's.
    context["repayments"] = repayments[:SHOWN_REPAYMENTS]
    context["shown_repayments"] = SHOWN_REPAYMENTS
    return render(request, "cases/repayment_detail.html", context)


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_errors_download(request, pk: int, file_format: str):
    repayment_file = _repayment_file(request, pk)
    return rejected_rows_download(
        repayment_selectors.repayment_file_errors(repayment_file=repayment_file),
        columns=["row_number", "column", "message"],
        name=f"repayment-file-{repayment_file.pk}-rejected-rows",
        file_format=file_format,
    )
