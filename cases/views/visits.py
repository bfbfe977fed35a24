"""Field visit pages (DESIGN §4.5): the visit list (a field collector's, or the branch's
for a supervisor), a visit, the plan form and a plan's page, the deadline extension
request, the safety alert, and the case page's "visits" panel with the nomination form.

The field collector's pages are built for a phone's screen (one column below 576 px).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..access import CASE_SUPERVISOR_ROLES, COLLECTOR_ROLES, VISIT_PAGE_ROLES
from ..case_page import case_panel
from ..models import Case, ContactPoint, VisitNomination
from ..selectors import visits as visit_selectors
from ..selectors.casepage_data import case_page_data
from ..services import visits as visit_services
from ..visit_forms import (
    CancelForm,
    NominationForm,
    SafetyAlertForm,
    VisitExtensionForm,
    VisitPlanForm,
)

FIELD_ROLES = (roles.FIELD_COLLECTOR,)
OVERSEER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER)

CASE_PAGE_ROLES = selectors.CASE_VIEWER_ROLES + COLLECTOR_ROLES


def _nomination(request, pk: int) -> VisitNomination:
    return get_scoped_object_or_404(
        visit_selectors.nomination_list(user=request.user), user=request.user, pk=pk
    )


# --- The case page panel and the nomination ----------------------------------------------


def _may_nominate(user, case: Case) -> bool:
    return case.is_open and (
        case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)
    )


def _nomination_form(request, case: Case, data=None) -> NominationForm:
    # The case page has read the debtor's contact points already (case_page_data).
    addresses = sorted(
        (
            point
            for point in case_page_data(case).contact_points
            if point.kind == ContactPoint.Kind.ADDRESS and point.is_valid
        ),
        key=lambda point: (point.created_at, point.pk),
    )
    return NominationForm(
        data,
        field_collectors=visit_selectors.field_collectors_by_load(case.branch_id),
        addresses=addresses,
    )


@case_panel("visits", template="cases/visits/_panel.html", order=40, column="side")
def visits_panel(request, case: Case) -> dict | None:
    user = request.user
    if not has_role(user, *CASE_PAGE_ROLES):
        return None
    may_nominate = _may_nominate(user, case)
    form = getattr(request, "nomination_form", None)
    # One open visit per case at a time, so an open one is always the newest.
    # Read once with the timeline's visit source (case_page_data).
    nominations = case_page_data(case).visit_nominations(5)
    open_nomination = nominations[0] if nominations and nominations[0].is_open else None
    if form is None and may_nominate and open_nomination is None:
        form = _nomination_form(request, case)
    return {
        "case": case,
        "form": form if may_nominate and open_nomination is None else None,
        "open": open_nomination,
        "nominations": nominations,
        # Admin staff see the case page but not visit pages: no link to a 403.
        "may_open_visits": has_role(user, *VISIT_PAGE_ROLES),
    }


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def visit_nominate(request, pk: int):
    case = get_scoped_object_or_404(
        selectors.case_list(user=request.user), user=request.user, pk=pk
    )
    if not _may_nominate(request.user, case):
        raise PermissionDenied
    form = _nomination_form(request, case, request.POST)
    if form.is_valid():
        try:
            visit_services.visit_nominate(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The case is on the field collector's visit list."))
            return redirect(reverse("cases:case_detail", args=[case.pk]) + "#panel-visits")
    request.nomination_form = form
    from .casepage import case_page_response

    return case_page_response(request, pk, status=422)


# --- The visit list ----------------------------------------------------------------------


@role_required(*FIELD_ROLES, *OVERSEER_ROLES)
@in_company_time
def visit_list(request):
    """A field collector's open visits by due time; a supervisor's: the branch's, by day
    and field collector, with the plans waiting and the overdue visits."""
    user = request.user
    show_done = request.GET.get("done") == "1"
    nominations = list(visit_selectors.visit_list(user=user, include_done=show_done)[:500])
    plans = list(visit_selectors.plan_list(user=user).order_by("-visit_date", "-pk")[:20])
    return render(
        request,
        "cases/visits/visit_list.html",
        {
            "nominations": nominations,
            "plans": plans,
            "is_field": has_role(user, *FIELD_ROLES),
            "is_overseer": has_role(user, *OVERSEER_ROLES),
            "show_done": show_done,
            "now": timezone.now(),
        },
    )


@role_required(*VISIT_PAGE_ROLES)
@in_company_time
def visit_detail(request, pk: int):
    nomination = _nomination(request, pk)
    return _visit_page(request, nomination)


def _visit_page(request, nomination: VisitNomination, *, status: int = 200, **forms):
    user = request.user
    is_mine = nomination.field_collector_id == user.pk
    waiting = nomination.status == VisitNomination.Status.NOMINATED
    return render(
        request,
        "cases/visits/visit_detail.html",
        {
            "nomination": nomination,
            "case": nomination.case,
            "is_mine": is_mine,
            "in_approved_plan": visit_services.nomination_in_approved_plan(nomination),
            "report": getattr(nomination, "report", None),
            "extensions": list(nomination.extensions.all()),
            "alerts": list(nomination.safety_alerts.all()),
            "extension_form": forms.get("extension_form")
            or (VisitExtensionForm() if is_mine and waiting else None),
            "alert_form": forms.get("alert_form")
            or (SafetyAlertForm() if is_mine and nomination.is_open else None),
            "cancel_form": forms.get("cancel_form")
            or (
                CancelForm()
                if waiting
                and (
                    nomination.nominated_by_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)
                )
                else None
            ),
        },
        status=status,
    )


@role_required(*VISIT_PAGE_ROLES)
@in_company_time
@require_POST
def visit_cancel(request, pk: int):
    nomination = _nomination(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            visit_services.visit_nomination_cancel(
                nomination=nomination, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The visit was cancelled."))
            return redirect("cases:visit_detail", pk=nomination.pk)
    return _visit_page(request, nomination, status=422, cancel_form=form)


@role_required(*FIELD_ROLES)
@in_company_time
@require_POST
def visit_extension_request(request, pk: int):
    nomination = _nomination(request, pk)
    form = VisitExtensionForm(request.POST)
    if form.is_valid():
        try:
            visit_services.visit_extension_request(
                nomination=nomination, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The extension was sent to the supervisor."))
            return redirect("cases:visit_detail", pk=nomination.pk)
    return _visit_page(request, nomination, status=422, extension_form=form)


@role_required(*FIELD_ROLES)
@in_company_time
@require_POST
def safety_alert_raise(request, pk: int):
    nomination = _nomination(request, pk)
    form = SafetyAlertForm(request.POST)
    if form.is_valid():
        try:
            visit_services.safety_alert_raise(
                nomination=nomination, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.warning(request, _("The supervisors have been alerted."))
            return redirect("cases:visit_detail", pk=nomination.pk)
    return _visit_page(request, nomination, status=422, alert_form=form)


@role_required(*OVERSEER_ROLES)
@in_company_time
def safety_alert(request, pk: int):
    alert = get_scoped_object_or_404(
        visit_selectors.alert_list(user=request.user), user=request.user, pk=pk
    )
    error = ""
    if request.method == "POST":
        try:
            visit_services.safety_alert_acknowledge(alert=alert, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Alert acknowledged."))
            return redirect("cases:safety_alert", pk=alert.pk)
    return render(
        request,
        "cases/visits/safety_alert.html",
        {
            "alert": alert,
            "error": error,
            "may_acknowledge": has_role(request.user, roles.SUPERVISOR),
        },
        status=422 if error else 200,
    )


# --- Plans -------------------------------------------------------------------------------


@role_required(*FIELD_ROLES)
@in_company_time
def visit_plan_create(request):
    user = request.user
    waiting = list(
        visit_selectors.visit_list(user=user).filter(
            field_collector=user, status=VisitNomination.Status.NOMINATED
        )
    )
    form = VisitPlanForm(request.POST or None)
    route_error = ""
    chosen: list[int] = []
    if request.method == "POST":
        chosen = form.route()
        if form.is_valid():
            try:
                plan = visit_services.visit_plan_submit(
                    actor=user,
                    visit_date=form.cleaned_data["visit_date"],
                    nomination_ids=chosen,
                    notes=form.cleaned_data.get("notes", ""),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "stops" in exc.error_dict:
                    by_field = exc.message_dict
                    route_error = " ".join(by_field.pop("stops"))
                    if by_field:
                        form_errors_from(form, ValidationError(by_field))
                else:
                    form_errors_from(form, exc)
            else:
                messages.success(request, _("The plan was sent to the supervisor for approval."))
                return redirect("cases:visit_plan", pk=plan.pk)
    return render(
        request,
        "cases/visits/plan_form.html",
        {
            "form": form,
            "waiting": waiting,
            "chosen": chosen,
            "route_error": route_error,
        },
        # 200 with the errors on the page, as every form page without an id answers.
    )


@role_required(*FIELD_ROLES, *OVERSEER_ROLES)
@in_company_time
def visit_plan(request, pk: int):
    plan = get_scoped_object_or_404(
        visit_selectors.plan_list(user=request.user), user=request.user, pk=pk
    )
    return render(
        request,
        "cases/visits/plan_detail.html",
        {"plan": plan, "stops": visit_selectors.plan_stops(plan)},
    )
