"""Training pages: plans (list, new, page with participants, sessions, sign-in sheets and
results), training needs, and a person's own training record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, sort_queryset
from staff import roles
from staff.access import role_required
from staff.models import Branch, StaffProfile, TrainingEnrolment, TrainingPlan
from staff.selectors import has_role, profile_of, sees_all_branches

from . import forms, selectors, services
from .access import MANAGER_ROLES, manages_training, may_rate_work_change

PLAN_ROLES = (roles.HR, *MANAGER_ROLES)
PLAN_SORTS = {"starts": "starts_on", "title": "title", "status": "status", "budget": "budget"}


def _call(form, service, **kwargs):
    """Runs a service; its ValidationError lands on the form's fields (None = refused)."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None


def _branch_people(user, plan_branch: Branch | None = None):
    queryset = StaffProfile.objects.filter(status=StaffProfile.Status.ACTIVE).select_related("user")
    if plan_branch is not None and not plan_branch.is_hq:
        return queryset.filter(branch=plan_branch)
    if sees_all_branches(user):
        return queryset
    profile = profile_of(user)
    return queryset.filter(branch=profile.branch) if profile else queryset.none()


@role_required(*PLAN_ROLES)
def plan_list(request):
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    queryset = selectors.plan_list(user=request.user, status=status, query=query)
    queryset, sort = sort_queryset(queryset, request, PLAN_SORTS, "-starts")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/training/plan_list.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "query": query,
            "status_choices": TrainingPlan.Status.choices,
            "is_hr": has_role(request.user, roles.HR),
        },
    )


@role_required(roles.HR)
def plan_create(request):
    profile = profile_of(request.user)
    people = _branch_people(request.user, profile.branch if profile else None)
    form = forms.PlanForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid() and profile is not None:
        plan = _call(
            form,
            services.plan_create,
            actor=request.user,
            branch=profile.branch,
            **form.cleaned_data,
        )
        if plan is not None:
            messages.success(request, _("Training plan saved as a draft."))
            return redirect("staff:training_plan", pk=plan.pk)
    return render(request, "staff/training/plan_form.html", {"form": form})


@role_required(roles.HR)
def plan_edit(request, pk: int):
    """A draft, or a plan the approver returned, changed before it is sent (again)."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    people = _branch_people(request.user, plan.branch)
    initial = {
        field: getattr(plan, field)
        for field in ("title", "goal", "content", "method", "trainer", "starts_on", "ends_on")
    }
    initial["budget"] = plan.budget
    initial["participants"] = list(plan.enrolments.values_list("profile_id", flat=True))
    form = forms.PlanForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = _call(
            form, services.plan_update, actor=request.user, plan=plan, **form.cleaned_data
        )
        if updated is not None:
            messages.success(request, _("Training plan saved."))
            return redirect("staff:training_plan", pk=plan.pk)
    return render(request, "staff/training/plan_form.html", {"form": form, "plan": plan})


@role_required()
def plan_detail(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    enrolments = list(selectors.plan_enrolments(user=request.user, plan=plan))
    sessions = list(plan.sessions.prefetch_related("attendance"))
    present = {
        (row.session_id, row.enrolment_id): row.present
        for session in sessions
        for row in session.attendance.all()
    }
    is_trainer = manages_training(request.user, plan.branch_id)
    for enrolment in enrolments:
        enrolment.sheet = [present.get((session.pk, enrolment.pk)) for session in sessions]
        enrolment.may_rate = (
            enrolment.status == TrainingEnrolment.Status.COMPLETED
            and may_rate_work_change(request.user, enrolment.profile)
        )
    approval = None
    try:
        from staff.selectors_approvals import latest_approval

        approval = latest_approval(plan)
    except ImportError:  # the shared approvals not merged yet
        approval = None
    return render(
        request,
        "staff/training/plan_detail.html",
        {
            "plan": plan,
            "enrolments": enrolments,
            "sessions": sessions,
            "is_trainer": is_trainer,
            "approval": approval,
            "editable": plan.status in services.EDITABLE,
            "enrol_form": forms.EnrolForm(people=_branch_people(request.user, plan.branch)),
            "session_form": forms.SessionForm(),
            "result_form": forms.ResultForm(),
            "rating_form": forms.RatingForm(),
        },
    )


def _back_with_errors(request, plan, form_or_exc):
    errors = form_or_exc.errors.values() if hasattr(form_or_exc, "errors") else []
    for field_errors in errors:
        for error in field_errors:
            messages.error(request, error)
    return redirect("staff:training_plan", pk=plan.pk)


def _flash(request, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


@role_required(roles.HR)
@require_POST
def plan_submit(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        services.plan_submit(actor=request.user, plan=plan)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The plan was sent for approval."))
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(roles.HR)
@require_POST
def plan_complete(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        services.plan_complete(actor=request.user, plan=plan)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The plan is closed."))
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(roles.HR)
@require_POST
def plan_enrol(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = forms.EnrolForm(request.POST, people=_branch_people(request.user, plan.branch))
    if not form.is_valid():
        return _back_with_errors(request, plan, form)
    try:
        services.plan_enrol(
            actor=request.user, plan=plan, profiles=form.cleaned_data["participants"]
        )
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(roles.HR)
@require_POST
def session_add(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, plan, form)
    try:
        services.session_add(actor=request.user, plan=plan, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Session added."))
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(roles.HR)
@require_POST
def attendance_record(request, pk: int, session_pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    session = selectors.session_get(user=request.user, plan=plan, pk=session_pk)
    ids = [value for value in request.POST.getlist("present") if value.isdigit()]
    try:
        services.attendance_record(actor=request.user, session=session, present_enrolment_ids=ids)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Sign-in sheet saved."))
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(roles.HR)
@require_POST
def result_record(request, pk: int, enrolment_pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    enrolment = selectors.enrolment_get(user=request.user, plan=plan, pk=enrolment_pk)
    form = forms.ResultForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, plan, form)
    try:
        services.result_record(
            actor=request.user,
            enrolment=enrolment,
            test_score=form.cleaned_data["test_score"],
            completed=form.cleaned_data["outcome"] == "completed",
        )
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("staff:training_plan", pk=plan.pk)


@role_required(*MANAGER_ROLES)
@require_POST
def work_change_rate(request, pk: int, enrolment_pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    enrolment = selectors.enrolment_get(user=request.user, plan=plan, pk=enrolment_pk)
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, plan, form)
    try:
        services.work_change_rate(
            actor=request.user,
            enrolment=enrolment,
            rating=form.cleaned_data["work_change_rating"],
        )
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("staff:training_plan", pk=plan.pk)


@role_required()
def need_list(request):
    people = selectors.team_members(user=request.user)
    form = forms.NeedForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        need = _call(form, services.need_raise, actor=request.user, **form.cleaned_data)
        if need is not None:
            messages.success(request, _("Training need recorded."))
            return redirect("staff:training_needs")
    needs = selectors.need_list(user=request.user, status=request.GET.get("status", ""))
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    return render(request, "staff/training/need_list.html", {"page": page, "form": form})


@role_required()
def my_training(request):
    profile = profile_of(request.user)
    history = selectors.training_history(user=request.user, profile=profile) if profile else []
    return render(
        request, "staff/training/my_training.html", {"profile": profile, "history": history}
    )
