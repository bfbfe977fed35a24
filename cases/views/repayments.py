"""Staff pages for bank repayment files: the list with live progress, upload, detail with
counts, rejected and imported rows, and the rejected rows as CSV / XLSX (issue 13).

Admin staff (bank liaison) of the branch handling the agreement; HQ sees all.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import id_param, in_company_time, sort_queryset
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from .. import selectors
from ..access import BANK_MANAGER_ROLES
from ..forms import RepaymentUploadForm
from ..models import RepaymentFile
from ..selectors import repayments as repayment_selectors

SHOWN_REPAYMENTS = 100
SORTS = {"received": "received_at", "bank": "bank__name", "status": "status"}


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_list(request):
    status = request.GET.get("status", "")
    files = repayment_selectors.repayment_file_list(
        user=request.user,
        status=status,
        bank_id=id_param(request.GET.get("bank", "")),
        agreement_id=id_param(request.GET.get("agreement", "")),
    )
    files, sort = sort_queryset(files, request, SORTS, "-received")
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sort": sort,
        "status": status,
        "status_choices": RepaymentFile.Status.choices,
        "in_flight": any(repayment_file.is_in_flight for repayment_file in page),
    }
    if request.htmx:
        return render(request, "cases/repayment_list.html#repayment-rows", context)
    return render(request, "cases/repayment_list.html", context)


@role_required(*BANK_MANAGER_ROLES)
@in_company_time
def repayment_file_upload(request):
    """Staff upload a repayment file a bank sent by other means (e-mail, SFTP)."""
    from ..services.repayments import (
        RepaymentConflict,
        RepaymentInputError,
        repayment_file_receive,
    )

    agreements = selectors.agreement_list(user=request.user)
    banks = selectors.bank_list(user=request.user).filter(
        pk__in=Subquery(agreements.values("bank_id"))
    )
    form = RepaymentUploadForm(
        request.POST or None, request.FILES or None, banks=banks, agreements=agreements
    )
    if request.method == "POST" and form.is_valid():
        try:
            repayment_file, created = repayment_file_receive(
                bank=form.cleaned_data["bank"],
                uploaded_file=form.cleaned_data["file"],
                agreement=form.cleaned_data.get("agreement"),
                uploaded_by=request.user,
            )
        except RepaymentInputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except RepaymentConflict as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(request, _("File received; the import has started."))
            else:
                messages.info(request, _("This file was already received: here is the first."))
            return redirect("cases:repayment_file_detail", pk=repayment_file.pk)
    return render(request, "cases/repayment_upload.html", {"form": form})


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
        response = render(request, "cases/repayment_detail.html#repayment-progress", context)
        if not context["in_flight"]:
            response["HX-Refresh"] = "true"  # finished: reload once to show the rows
        return response
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
    rows = (
        repayment_selectors.repayment_file_errors(repayment_file=repayment_file)
        .values_list("row_number", "column", "message")
        .iterator(chunk_size=2000)
    )
    header = [_("row"), _("column"), _("message")]
    name = f"repayment-file-{repayment_file.pk}-rejected-rows"
    if file_format == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)
