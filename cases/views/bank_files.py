"""What the pages of every kind of bank file share (placements, repayment files): the
staff upload, the detail's live progress part and the rejected rows as CSV / XLSX.

Each kind's views (`placements`, `repayments`) scope their own rows and name their own
templates; these helpers take what differs as arguments.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import sort_queryset

from .. import selectors

SORTS = {"received": "received_at", "bank": "bank__name", "status": "status"}


def bank_file_list(request, files, *, template: str, rows_part: str, **extra):
    """A kind's list (`files`, scoped and filtered by its selector), sorted, 50 a page;
    an htmx request (the poll while an import runs) gets the rows part alone."""
    files, sort = sort_queryset(files, request, SORTS, "-received")
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sort": sort,
        "status": request.GET.get("status", ""),
        "status_choices": files.model.Status.choices,
        "in_flight": any(bank_file.is_in_flight for bank_file in page),
        **extra,
    }
    if request.htmx:
        return render(request, f"{template}#{rows_part}", context)
    return render(request, template, context)


def bank_file_upload(request, *, form_class, receive, template: str, detail: str, already: str):
    """Staff upload a file a bank sent by other means (e-mail, SFTP) on the bank's behalf:
    the banks and agreements the user handles, `receive(bank=, uploaded_file=, agreement=,
    uploaded_by=)` → (row, created), then its page (`detail`, a URL name); `already`
    says that the same file had been received before."""
    from ..services.bank_files import BankFileConflict, BankFileInputError

    agreements = selectors.agreement_list(user=request.user)
    banks = selectors.bank_list(user=request.user).filter(
        pk__in=Subquery(agreements.values("bank_id"))
    )
    form = form_class(
        request.POST or None, request.FILES or None, banks=banks, agreements=agreements
    )
    if request.method == "POST" and form.is_valid():
        try:
            received, created = receive(
                bank=form.cleaned_data["bank"],
                uploaded_file=form.cleaned_data["file"],
                agreement=form.cleaned_data.get("agreement"),
                uploaded_by=request.user,
            )
        except BankFileInputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except BankFileConflict as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(request, _("File received; the import has started."))
            else:
                messages.info(request, already)
            return redirect(detail, pk=received.pk)
    return render(request, template, {"form": form})


def progress_part(request, template: str, context: dict):
    """The detail page's progress card alone, polled by htmx while the import runs; once
    it has finished, the page reloads once to show the rows."""
    response = render(request, template, context)
    if not context["in_flight"]:
        response["HX-Refresh"] = "true"
    return response


def rejected_rows_download(rows, *, columns: list[str], name: str, file_format: str):
    """The rejected rows (`rows`, a queryset) as `name`.csv or `name`.xlsx, streamed;
    `columns` are the row error's fields in their order."""
    headings = {
        "row_number": _("row"),
        "column": _("column"),
        "severity": _("severity"),
        "message": _("message"),
    }
    header = [headings[column] for column in columns]
    values = rows.values_list(*columns).iterator(chunk_size=2000)
    if file_format == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, values)
    return csv_response(f"{name}.csv", header, values)
