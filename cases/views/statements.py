"""Finance's statement pages (issue 13): the list (waiting first), a statement (summary
and lines by kind, filtered and sorted, CSV/XLSX), approve / publish / correct; and the
dashboard panel "statements waiting"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time, sort_queryset
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from ..access import STATEMENT_ROLES
from ..dashboard import panels
from ..models import Statement, StatementLine
from ..money_forms import ReconcileMonthForm, StatementLineNoteForm
from ..services import statements as statement_services
from ..statement_text import line_explanation

PAGE_SIZE = 100
LINE_SORTS = {
    "account": "account_no",
    "agency": "payment_amount",
    "bank": "repayment_amount",
    "agency_date": "payment_paid_on",
    "bank_date": "repayment_paid_on",
    "commission": "commission",
}


def statements_waiting(user):
    """Drafts (waiting for approval) and approved ones not yet published."""
    return statement_services.statements_for_finance(user).exclude(
        status=Statement.Status.PUBLISHED
    )


@role_required(*STATEMENT_ROLES)
@in_company_time
def statement_list(request):
    status = request.GET.get("status", "")
    statements = statement_services.statements_for_finance(request.user).select_related(
        "agreement", "bank", "approved_by"
    )
    if status in Statement.Status.values:
        statements = statements.filter(status=status)
    # Waiting first: drafts, then approved waiting to be published, then the rest.
    statements = statements.annotate(
        waiting=SqlCase(
            When(status=Statement.Status.DRAFT, then=Value(0)),
            When(status=Statement.Status.APPROVED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "-month", "bank__name", "agreement__number", "-version")
    page = Paginator(statements, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/statements/statement_list.html",
        {"page": page, "status": status, "status_choices": Statement.Status.choices},
    )


def _statement(request, pk: int) -> Statement:
    return get_scoped_object_or_404(
        statement_services.statements_for_finance(request.user).select_related(
            "agreement", "bank", "replaces", "approved_by", "published_by", "prepared_by"
        ),
        user=request.user,
        pk=pk,
    )


def _lines(request, statement: Statement):
    kind = request.GET.get("kind", "")
    lines = statement.lines.all()
    if kind in StatementLine.Kind.values:
        lines = lines.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        lines = lines.filter(account_no__icontains=query)
    lines, sort = sort_queryset(lines, request, LINE_SORTS, "account")
    return lines, kind, query, sort


@role_required(*STATEMENT_ROLES)
@in_company_time
def statement_detail(request, pk: int):
    statement = _statement(request, pk)
    lines, kind, query, sort = _lines(request, statement)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    for line in page:
        line.statement = statement
        line.explanation = line_explanation(line)
    corrections = statement.corrections.order_by("version")
    latest = (
        Statement.objects.filter(agreement=statement.agreement, month=statement.month)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    return render(
        request,
        "cases/statements/statement_detail.html",
        {
            "statement": statement,
            "page": page,
            "kind": kind,
            "query": query,
            "sort": sort,
            "kind_choices": StatementLine.Kind.choices,
            "corrections": corrections,
            "may_correct": not statement.is_draft and latest == statement.pk,
            "querystring": request.GET.urlencode(),
        },
    )


def _rows(statement: Statement, lines):
    for line in lines.iterator(chunk_size=2000):
        line.statement = statement
        yield [
            line.get_kind_display(),
            line.account_no,
            line.payment_amount,
            line.payment_paid_on,
            line.payment_status,
            line.repayment_amount,
            line.repayment_paid_on,
            line.repayment_reference,
            line.difference,
            line.commission_rate,
            line.commission,
            line_explanation(line),
            line.note,
        ]


@role_required(*STATEMENT_ROLES)
def statement_download(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    statement = _statement(request, pk)
    lines, _kind, _query, _sort = _lines(request, statement)
    header = [
        _("Kind"),
        _("Account"),
        _("Agency amount"),
        _("Agency date"),
        _("Payment status"),
        _("Bank amount"),
        _("Bank date"),
        _("Reference"),
        _("Difference"),
        _("Commission rate"),
        _("Commission"),
        _("Explanation"),
        _("Note"),
    ]
    name = f"statement-{statement.agreement.number}-{statement.month:%Y-%m}-v{statement.version}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, _rows(statement, lines))
    return csv_response(f"{name}.csv", header, _rows(statement, lines))


def _decide(request, pk: int, service, done: str):
    statement = _statement(request, pk)
    try:
        result = service(statement=statement, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("cases:statement_detail", pk=statement.pk)
    messages.success(request, done)
    return redirect("cases:statement_detail", pk=result.pk)


@role_required(*STATEMENT_ROLES)
@require_POST
def statement_approve(request, pk: int):
    return _decide(
        request,
        pk,
        statement_services.statement_approve,
        _("Statement approved: its matched payments are confirmed."),
    )


@role_required(*STATEMENT_ROLES)
@require_POST
def statement_publish(request, pk: int):
    return _decide(
        request,
        pk,
        statement_services.statement_publish,
        _("Statement published: the bank can download it."),
    )


@role_required(*STATEMENT_ROLES)
@require_POST
def statement_correct(request, pk: int):
    return _decide(
        request,
        pk,
        statement_services.statement_correct,
        _("A correction (new version) is prepared as a draft."),
    )


@role_required(*STATEMENT_ROLES)
@in_company_time
def statement_reconcile(request):
    """Finance reconciles one agreement's month by hand: the schedule's run, queued."""
    from reporting.reconciliation import (
        reconciliation_agreements,
        reconciliation_request,
        reconciliation_runs,
    )

    agreements = (
        reconciliation_agreements(request.user)
        .select_related("bank")
        .order_by("bank__name", "number")
    )
    form = ReconcileMonthForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        try:
            run = reconciliation_request(
                agreement=form.cleaned_data["agreement"],
                month=form.cleaned_data["month"],
                actor=request.user,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Reconciliation of %(month)s is queued: its draft statement appears in "
                    "the list when it is done (a waiting draft of that month is replaced)."
                )
                % {"month": run.period_start.strftime("%Y-%m")},
            )
            return redirect("cases:statement_reconcile")
    runs = list(reconciliation_runs(request.user))
    numbers = dict(
        reconciliation_agreements(request.user)
        .filter(pk__in=[run.scope_id for run in runs])
        .values_list("pk", "number")
    )
    for run in runs:
        run.agreement_number = numbers.get(run.scope_id, "")
    return render(
        request,
        "cases/statements/statement_reconcile.html",
        {"form": form, "runs": runs},
        status=400 if form.errors else 200,
    )


@role_required(*STATEMENT_ROLES)
@in_company_time
def statement_line_note(request, pk: int):
    """A line's note (drafts only) and the notes written on it before."""
    line = get_scoped_object_or_404(
        statement_services.statement_lines_for_finance(request.user).select_related(
            "statement__agreement", "statement__bank"
        ),
        user=request.user,
        pk=pk,
    )
    form = StatementLineNoteForm(request.POST or None, initial={"note": line.note})
    if request.method == "POST" and form.is_valid():
        try:
            statement_services.statement_line_note(
                line=line, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The note is saved."))
            return redirect(
                f"{reverse('cases:statement_detail', args=[line.statement_id])}"
                f"?{urlencode({'q': line.account_no})}"
            )
    line.explanation = line_explanation(line)
    return render(
        request,
        "cases/statements/statement_line_note.html",
        {
            "line": line,
            "statement": line.statement,
            "form": form,
            "notes": statement_services.statement_line_notes(line),
        },
        status=400 if form.errors else 200,
    )


@panels.register(
    "statements-waiting",
    order=60,
    title=gettext_lazy("Statements waiting"),
    roles=STATEMENT_ROLES,
)
def _statements_waiting_panel(user) -> dict | None:
    if not has_role(user, *STATEMENT_ROLES):
        return None
    waiting = statements_waiting(user)
    return {
        "template": "cases/statements/_dashboard_statements.html",
        "drafts": waiting.filter(status=Statement.Status.DRAFT).count(),
        "approved": waiting.filter(status=Statement.Status.APPROVED).count(),
        "oldest": waiting.select_related("agreement", "bank").order_by("month", "pk")[:5],
    }
