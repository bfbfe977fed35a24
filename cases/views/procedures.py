"""Special procedures and collection-period extensions (DESIGN §4.6): the case page's
"procedures" and "period" panels with their request forms, a procedure's page (start,
close with the outcome), its documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..access import CASE_SUPERVISOR_ROLES, COLLECTOR_ROLES
from ..case_page import case_panel
from ..models import Case, CollectionPeriodExtension, SpecialProcedure
from ..selectors import procedures as procedure_selectors
from ..selectors.casepage_data import case_page_data
from ..services import procedures as procedure_services
from ..visit_forms import PeriodExtensionForm, ProcedureCloseForm, ProcedureForm
from .ranged import ranged_file_response

CASE_PAGE_ROLES = selectors.CASE_VIEWER_ROLES + COLLECTOR_ROLES


def _may_work(user, case: Case) -> bool:
    return case.is_open and (
        case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)
    )


def _case(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.case_list(user=request.user).select_related("agreement"),
        user=request.user,
        pk=pk,
    )


@case_panel("procedures", template="cases/procedures/_panel.html", order=50, column="side")
def procedures_panel(request, case: Case) -> dict | None:
    may_request = _may_work(request.user, case)
    return {
        "case": case,
        "form": getattr(request, "procedure_form", None)
        or (ProcedureForm() if may_request else None),
        # Read once with the timeline's procedure source (case_page_data).
        "procedures": case_page_data(case).special_procedures(10),
    }


@case_panel("period", template="cases/procedures/_period_panel.html", order=45, column="side")
def period_panel(request, case: Case) -> dict | None:
    may_request = _may_work(request.user, case)
    # A case has a handful of extensions at most: one query for the list and the end.
    extensions = case_page_data(case).period_extensions()  # shared with the timeline
    pending = any(e.status == CollectionPeriodExtension.Status.PENDING for e in extensions)
    approved = [
        e.new_ends_on for e in extensions if e.status == CollectionPeriodExtension.Status.APPROVED
    ]
    return {
        "case": case,
        "form": getattr(request, "period_form", None)
        or (PeriodExtensionForm() if may_request and not pending else None),
        "extensions": extensions[:5],
        "ends_on": max([procedure_services.standard_period_end(case), *approved]),
    }


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def procedure_request(request, pk: int):
    case = _case(request, pk)
    if not _may_work(request.user, case):
        raise PermissionDenied
    form = ProcedureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            procedure = procedure_services.procedure_request(
                case=case,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                documents=form.cleaned_data.get("documents") or [],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The request was sent to the supervisor."))
            return redirect("cases:procedure", pk=procedure.pk)
    request.procedure_form = form
    from .casepage import case_page_response

    return case_page_response(request, pk, status=422)


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def period_extension_request(request, pk: int):
    case = _case(request, pk)
    if not _may_work(request.user, case):
        raise PermissionDenied
    form = PeriodExtensionForm(request.POST)
    if form.is_valid():
        try:
            procedure_services.period_extension_request(
                case=case, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The extension was sent to the supervisor."))
            return redirect(reverse("cases:case_detail", args=[case.pk]) + "#panel-period")
    request.period_form = form
    from .casepage import case_page_response

    return case_page_response(request, pk, status=422)


def _procedure(request, pk: int) -> SpecialProcedure:
    return get_scoped_object_or_404(
        procedure_selectors.procedure_list(user=request.user), user=request.user, pk=pk
    )


def _procedure_page(request, procedure: SpecialProcedure, *, status=200, close_form=None, error=""):
    may_work = _may_work(request.user, procedure.case)
    return render(
        request,
        "cases/procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "case": procedure.case,
            "documents": list(procedure.documents.all()),
            "may_start": may_work and procedure.status == SpecialProcedure.Status.APPROVED,
            "close_form": close_form
            or (
                ProcedureCloseForm()
                if may_work and procedure.status == SpecialProcedure.Status.STARTED
                else None
            ),
            "error": error,
            "history": procedure.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
        },
        status=status,
    )


@role_required(*CASE_PAGE_ROLES)
@in_company_time
def procedure_detail(request, pk: int):
    return _procedure_page(request, _procedure(request, pk))


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def procedure_start(request, pk: int):
    procedure = _procedure(request, pk)
    try:
        procedure_services.procedure_start(procedure=procedure, actor=request.user)
    except ValidationError as exc:
        return _procedure_page(request, procedure, status=422, error=" ".join(exc.messages))
    messages.success(request, _("The procedure has started."))
    return redirect("cases:procedure", pk=procedure.pk)


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def procedure_close(request, pk: int):
    procedure = _procedure(request, pk)
    form = ProcedureCloseForm(request.POST)
    if form.is_valid():
        try:
            procedure_services.procedure_close(
                procedure=procedure, actor=request.user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The procedure is closed."))
            return redirect("cases:procedure", pk=procedure.pk)
    return _procedure_page(request, procedure, status=422, close_form=form)


@role_required(*CASE_PAGE_ROLES)
@in_company_time
def procedure_document(request, pk: int):
    from ..models import SpecialProcedureDocument

    document = get_scoped_object_or_404(
        SpecialProcedureDocument.objects.visible_to(request.user), user=request.user, pk=pk
    )
    return ranged_file_response(
        request,
        document.file,
        content_type=document.content_type,
        filename=f"procedure-document-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}",
        log_extra={"procedure_document_id": document.pk},
    )
