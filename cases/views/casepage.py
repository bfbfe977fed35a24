"""The case page: where a collector works one case (DESIGN §4.4).

One GET renders the whole page (debtor, balances and their history, the collection
period, contact points, holds, classification, linked cases, every registered panel
and the first page of the timeline). Each action is a POST that calls one service
and comes back to the page; a refused input re-renders the page with the message on
the field (status 400) and writes nothing.

Who may: every route first checks the role (front desk and others: 403), then finds
the case through `Case.objects.visible_to` (another's case: a logged 404), then the
action's own rule (the assigned collector or a supervisor; lifting: supervisors).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from collections_office.exports import NO_STORE
from collections_office.pages import form_errors_from, in_company_time
from staff.services import personal_data_view_record

from .. import access
from ..case_page import panels_for
from ..forms import BootstrapMixin
from ..models import Case, CaseHold, ContactPoint, overdue_bucket
from ..selectors import casepage as selectors
from ..services import casepage as services
from ..services.work import contact_point_add, contact_point_mark_invalid
from ..timeline import case_timeline
from .casepage_rows import timeline_rows_html
from .common import require_role

TIMELINE_PAGE_SIZE = 20
PAGE_ROLES = access.CASE_VIEWER_ROLES + access.COLLECTOR_ROLES

# --- Forms --------------------------------------------------------------------------------


class ContactPointForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_fields).
    constant_html_fields = "__all__"

    value = forms.CharField(label=gettext_lazy("Phone number"), max_length=40, required=False)
    relation = forms.ChoiceField(
        label=gettext_lazy("Whose number"),
        choices=ContactPoint.Relation.choices,
        initial=ContactPoint.Relation.DEBTOR,
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Name of the person"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("For a relative's or colleague's number, e.g. “sister, Wang Fang”."),
    )
    # A number from a placement comes with the placement, never from this form.
    source = forms.ChoiceField(
        label=gettext_lazy("Where it came from"),
        choices=[c for c in ContactPoint.Source.choices if c[0] != ContactPoint.Source.PLACEMENT],
        initial=ContactPoint.Source.DEBTOR,
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, required=False, widget=forms.TextInput
    )


class ClassificationForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_fields).
    constant_html_fields = "__all__"

    classification = forms.ChoiceField(
        label=gettext_lazy("Classification"),
        choices=[("", "—"), *Case.Classification.choices],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


class HoldForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_fields).
    constant_html_fields = "__all__"

    kind = forms.ChoiceField(
        label=gettext_lazy("Hold"), choices=[("", "—"), *CaseHold.Kind.choices], required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


# --- Page ---------------------------------------------------------------------------------


def _case(request, pk: int) -> Case:
    require_role(request.user, PAGE_ROLES)
    return selectors.case_for_page(user=request.user, pk=pk)


def _page_context(request, case: Case, *, revealed: bool = False, **bound) -> dict:
    """Everything the case page shows; `bound` forms (with errors) replace the empty ones."""
    user = request.user
    points = selectors.case_contact_points(case=case)
    holds = selectors.case_holds(case=case)
    balances = selectors.balance_history(case=case)
    chart = selectors.balance_chart(balances, currency=case.currency)
    may_work = selectors.may_work_on_case(user, case)
    period = selectors.collection_period(case)
    timeline = case_timeline(case, user=user, per_page=TIMELINE_PAGE_SIZE)
    for point in points:
        point.masked = (
            selectors.mask_address(point.value) if point.kind == ContactPoint.Kind.ADDRESS else None
        )
    return {
        "case": case,
        "debtor": case.debtor,
        "contact_points": points,
        "phones": [p for p in points if p.kind == ContactPoint.Kind.PHONE],
        "addresses": [p for p in points if p.kind == ContactPoint.Kind.ADDRESS],
        "linked": selectors.linked_cases(user=user, case=case),
        "bucket": overdue_bucket(case.overdue_since, period.today),
        "period": period,
        "balances": balances,
        "balance_chart": json.dumps(chart) if chart else "",
        "holds": holds,
        "active_holds": [hold for hold in holds if hold.is_active],
        "may_reveal": access.may_see_personal_data(user, case),
        "may_work": may_work,
        "may_lift": selectors.may_lift_holds(user),
        "revealed": revealed,
        "timeline": timeline,
        "timeline_rows": timeline_rows_html(timeline.entries),
        "panels": panels_for(request, case),
        "contact_form": bound.get("contact_form") or ContactPointForm(),
        "invalid_form": bound.get("invalid_form"),
        "invalid_point": bound.get("invalid_point"),
        "classification_form": bound.get("classification_form")
        or ClassificationForm(initial={"classification": case.classification}),
        "hold_form": bound.get("hold_form") or HoldForm(),
        "lift_form": bound.get("lift_form"),
        "lift_hold": bound.get("lift_hold"),
    }


@in_company_time
@require_GET
def case_detail(request, pk: int):
    case = _case(request, pk)
    return render(request, "cases/case_detail.html", _page_context(request, case))


def case_page_response(request, pk: int, *, status: int = 200):
    """The case page as the answer to another area's refused form (e.g. a call refused by
    the rules): the panels read their bound forms and messages from `request`."""
    case = _case(request, pk)
    return render(request, "cases/case_detail.html", _page_context(request, case), status=status)


@in_company_time
@require_POST
def case_reveal(request, pk: int):
    """Shows the ID number, phones and addresses in full — and records that it happened."""
    case = _case(request, pk)
    if not access.may_see_personal_data(request.user, case):
        raise PermissionDenied
    personal_data_view_record(
        user=request.user,
        obj=case,
        fields=["debtor.id_number", "debtor.phones", "debtor.addresses"],
        path=request.path,
    )
    context = _page_context(request, case, revealed=True)
    if request.htmx:
        response = render(request, "cases/case_detail.html#personal-data", context)
    else:
        response = render(request, "cases/case_detail.html", context)
    response["Cache-Control"] = NO_STORE  # unmasked ID and phones: no copy in any cache
    return response


@in_company_time
@require_GET
def case_timeline_page(request, pk: int):
    """An older page of the timeline (the "older" button swaps itself for it)."""
    case = _case(request, pk)
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    page = case_timeline(case, user=request.user, page=number, per_page=TIMELINE_PAGE_SIZE)
    # Without JavaScript the "older" link opens the page on its own.
    template = (
        "cases/casepage/timeline.html#timeline-entries"
        if request.htmx
        else "cases/casepage/timeline_page.html"
    )
    return render(
        request,
        template,
        {"case": case, "timeline": page, "timeline_rows": timeline_rows_html(page.entries)},
    )


def _refused(request, case: Case, **bound):
    """The page again with the refused form's messages on its fields; nothing was written."""
    return render(
        request, "cases/case_detail.html", _page_context(request, case, **bound), status=400
    )


def _back(case: Case, anchor: str):
    return redirect(reverse("cases:case_detail", args=[case.pk]) + f"#{anchor}")


def _require_worker(request, case: Case) -> None:
    if not selectors.may_work_on_case(request.user, case):
        raise PermissionDenied


@in_company_time
@require_POST
def contact_point_create(request, pk: int):
    case = _case(request, pk)
    _require_worker(request, case)
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            point = contact_point_add(
                case=case,
                actor=request.user,
                value=form.cleaned_data["value"],
                relation=form.cleaned_data["relation"],
                contact_name=form.cleaned_data["contact_name"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("Number ending %(last)s added.") % {"last": point.value[-4:]}
            )
            return _back(case, "contact-points")
    return _refused(request, case, contact_form=form)


@in_company_time
@require_POST
def contact_point_invalidate(request, pk: int, point_pk: int):
    case = _case(request, pk)
    point = selectors.contact_point_of_case(user=request.user, case=case, pk=point_pk)
    _require_worker(request, case)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            contact_point_mark_invalid(
                point=point, actor=request.user, reason=form.cleaned_data["reason"], case=case
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The number is marked invalid."))
            return _back(case, "contact-points")
    return _refused(request, case, invalid_form=form, invalid_point=point.pk)


@in_company_time
@require_POST
def case_classify(request, pk: int):
    case = _case(request, pk)
    form = ClassificationForm(request.POST)
    if form.is_valid():
        try:
            services.case_classify(
                case=case,
                actor=request.user,
                classification=form.cleaned_data["classification"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Classification saved."))
            return _back(case, "classification")
    return _refused(request, case, classification_form=form)


@in_company_time
@require_POST
def case_hold_place(request, pk: int):
    case = _case(request, pk)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            hold = services.case_hold_place(
                case=case,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.warning(
                request,
                _("%(kind)s hold placed: no contact until a supervisor lifts it.")
                % {"kind": hold.get_kind_display()},
            )
            return _back(case, "holds")
    return _refused(request, case, hold_form=form)


@in_company_time
@require_POST
def case_hold_lift(request, pk: int, hold_pk: int):
    case = _case(request, pk)
    hold = selectors.hold_of_case(user=request.user, case=case, pk=hold_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.case_hold_lift(
                hold=hold, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Hold lifted."))
            return _back(case, "holds")
    return _refused(request, case, lift_form=form, lift_hold=hold.pk)
