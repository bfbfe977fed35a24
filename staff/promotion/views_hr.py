"""HR's and supervisors' promotion pages: cycles, criteria, the ladder (with level
corrections), upheld complaints, and supervisors' monthly targets."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff.access import role_required

from .. import roles
from ..models import (
    CAREER_LADDER,
    ComplexCaseDefinition,
    MonthlyTarget,
    Position,
    PromotionCriteria,
    PromotionCycle,
    StaffProfile,
    UpheldComplaint,
)
from ..selectors import get_scoped_object_or_404, staff_list
from . import forms, selectors, services, setup


@role_required(roles.HR)
@in_company_time
def cycles(request):
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__status=StaffProfile.Status.ACTIVE)
        .order_by("last_name", "username")
    )
    form = forms.CycleForm(request.POST or None, committee_candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            setup.cycle_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Cycle opened."))
            return redirect("promotion:cycles")
    return render(
        request,
        "staff/promotion/cycles.html",
        {
            "cycles": selectors.cycle_list(),
            "form": form,
            "may_close": setup.may_close_cycles(request.user),
        },
    )


@require_POST
@role_required(roles.HR)
def cycle_close(request, pk: int):
    """HQ HR closes a cycle early, with a reason (applications in flight carry on)."""
    if not setup.may_close_cycles(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(PromotionCycle, pk=pk)
    try:
        setup.cycle_close(actor=request.user, cycle=cycle, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Cycle “%(cycle)s” closed: no new applications. %(n)s in progress carry on.")
            % {"cycle": cycle.name, "n": setup.applications_in_flight(cycle)},
        )
    return redirect("promotion:cycles")


@role_required(roles.HR)
@in_company_time
def criteria(request):
    rows = {c.from_position: c for c in PromotionCriteria.objects.all()}
    forms_by_step = []
    saved = False
    for position in setup.STEP_POSITIONS:
        instance = rows.get(position) or PromotionCriteria(from_position=position)
        bound = request.method == "POST" and request.POST.get("step") == position
        form = forms.CriteriaForm(
            request.POST if bound else None, instance=instance, prefix=position
        )
        if bound and form.is_valid():
            try:
                setup.criteria_save(actor=request.user, criteria=form.save(commit=False))
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                saved = True
        forms_by_step.append(
            {
                "position": position,
                "label": Position(position).label,
                "to": Position(CAREER_LADDER[CAREER_LADDER.index(position) + 1]).label,
                "form": form,
            }
        )
    definition = ComplexCaseDefinition.objects.order_by("pk").first() or ComplexCaseDefinition(
        min_balance=0, min_days_overdue=0
    )
    bound = request.method == "POST" and request.POST.get("step") == "complex"
    complex_form = forms.ComplexCaseForm(
        request.POST if bound else None, instance=definition, prefix="complex"
    )
    if bound and complex_form.is_valid():
        try:
            setup.complex_definition_save(
                actor=request.user, definition=complex_form.save(commit=False)
            )
        except ValidationError as exc:
            form_errors_from(complex_form, exc)
        else:
            saved = True
    if saved:
        messages.success(request, _("Criteria saved."))
        return redirect("promotion:criteria")
    return render(
        request,
        "staff/promotion/criteria.html",
        {"steps": forms_by_step, "complex_form": complex_form},
    )


@role_required(roles.HR)
@in_company_time
def ladder(request):
    people = (
        staff_list(user=request.user)
        .filter(position__in=CAREER_LADDER)
        .order_by("position", "employee_number")
    )
    by_level = [
        {
            "position": p,
            "label": Position(p).label,
            "people": [s for s in people if s.position == p],
        }
        for p in CAREER_LADDER
    ]
    return render(
        request,
        "staff/promotion/ladder.html",
        {"levels": by_level, "form": forms.LevelCorrectForm()},
    )


@require_POST
@role_required(roles.HR)
def level_correct(request, pk: int):
    profile = get_scoped_object_or_404(staff_list(user=request.user), user=request.user, pk=pk)
    form = forms.LevelCorrectForm(request.POST)
    if form.is_valid():
        try:
            setup.level_correct(actor=request.user, person=profile.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Level corrected and recorded in the history."))
    else:
        messages.error(request, _("Check the new level, the date and the reason."))
    return redirect("staff:detail", profile.pk)


@role_required(roles.HR)
@in_company_time
def complaints(request):
    subjects = (
        get_user_model()
        .objects.filter(staff_profile__in=staff_list(user=request.user))
        .order_by("last_name", "username")
    )
    form = forms.ComplaintForm(request.POST or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        try:
            setup.complaint_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Complaint recorded."))
            return redirect("promotion:complaints")
    return render(
        request,
        "staff/promotion/complaints.html",
        {
            "complaints": UpheldComplaint.objects.visible_to(request.user).select_related(
                "subject", "recorded_by", "branch"
            )[:300],
            "form": form,
        },
    )


def _month_param(value: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return services.today().replace(day=1)


@role_required(roles.SUPERVISOR)
@in_company_time
def targets(request):
    """The supervisor's monthly targets: one amount per collector of the branch."""
    month = _month_param(request.GET.get("month") or request.POST.get("month"))
    collectors = (
        staff_list(user=request.user)
        .filter(user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR])
        .distinct()
        .order_by("employee_number")
    )
    errors = {}
    if request.method == "POST":
        for profile in collectors:
            key = f"amount-{profile.user_id}"
            if key not in request.POST:
                continue
            try:
                setup.monthly_target_set(
                    actor=request.user,
                    collector=profile.user,
                    month=month,
                    amount=request.POST[key].strip(),
                )
            except ValidationError as exc:
                errors[profile.user_id] = " ".join(exc.messages)
        if not errors:
            messages.success(request, _("Targets saved."))
            return redirect(f"{request.path}?month={month:%Y-%m}")
        messages.error(request, _("Some targets were not saved; see the rows marked."))
    current = dict(
        MonthlyTarget.objects.visible_to(request.user)
        .filter(month=month)
        .values_list("user_id", "amount")
    )
    rows = [
        {
            "profile": p,
            "amount": request.POST.get(f"amount-{p.user_id}", current.get(p.user_id, "")),
            "error": errors.get(p.user_id, ""),
        }
        for p in collectors
    ]
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "staff/promotion/targets.html",
        {"month": month, "rows": rows, "previous": previous, "following": following},
    )
