"""Recruitment pages: vacancies, a vacancy's candidates by stage, a candidate's page with
every step of the selection, the CV and the unmasked contact details (HR, recorded)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from
from collections_office.personal_data import decrypt_bytes, mask_phone
from staff import roles
from staff.access import role_required
from staff.models import Candidate, Department, Interview, Vacancy
from staff.selectors import profile_of, sees_all_branches
from staff.services import personal_data_view_record

from . import forms, selectors, services
from .access import is_recruiter_for

VACANCY_ROLES = (roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)


def _flash(request, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


def _branch_users(user, branch):
    queryset = User.objects.filter(is_active=True, staff_profile__status="active")
    if not branch.is_hq:
        queryset = queryset.filter(staff_profile__branch=branch)
    return queryset.order_by("last_name", "first_name", "username")


def mask_email(value: str) -> str:
    if not value or "@" not in value:
        return ""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


@role_required(*VACANCY_ROLES)
def vacancy_list(request):
    status = request.GET.get("status", Vacancy.Status.OPEN)
    vacancies = selectors.vacancy_list(user=request.user, status=status)
    page = Paginator(vacancies, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/recruitment/vacancy_list.html",
        {"page": page, "status": status, "status_choices": Vacancy.Status.choices},
    )


@role_required(roles.HR)
def vacancy_create(request):
    profile = profile_of(request.user)
    departments = Department.objects.visible_to(request.user)
    if profile is not None and not sees_all_branches(request.user):
        departments = departments.filter(branch=profile.branch)
    form = forms.VacancyForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid() and profile is not None:
        data = form.cleaned_data
        branch = data["department"].branch if data["department"] else profile.branch
        try:
            vacancy = services.vacancy_open(actor=request.user, branch=branch, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Vacancy opened."))
            return redirect("staff:recruitment_vacancy", pk=vacancy.pk)
    return render(request, "staff/recruitment/vacancy_form.html", {"form": form})


@role_required(*VACANCY_ROLES)
def vacancy_detail(request, pk: int):
    vacancy = selectors.vacancy_get(user=request.user, pk=pk)
    candidates = selectors.candidate_list(user=request.user, vacancy=vacancy)
    columns = []
    for value, label in Candidate.Stage.choices:
        rows = [c for c in candidates if c.stage == value]
        for candidate in rows:
            candidate.phone_masked = mask_phone(candidate.phone)
        columns.append((value, label, rows))
    return render(
        request,
        "staff/recruitment/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "columns": columns,
            "is_recruiter": is_recruiter_for(request.user, vacancy.branch_id),
        },
    )


@role_required(roles.HR)
def candidate_create(request, pk: int):
    vacancy = selectors.vacancy_get(user=request.user, pk=pk)
    if not is_recruiter_for(request.user, vacancy.branch_id):
        raise Http404
    form = forms.CandidateForm(
        request.POST or None,
        request.FILES or None,
        staff=_branch_users(request.user, vacancy.branch),
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_register(
                actor=request.user, vacancy=vacancy, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Candidate registered."))
            return redirect("staff:recruitment_candidate", pk=candidate.pk)
    return render(
        request, "staff/recruitment/candidate_form.html", {"form": form, "vacancy": vacancy}
    )


@role_required()
def candidate_detail(request, pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    is_recruiter = is_recruiter_for(request.user, candidate.branch_id)
    interviews = list(candidate.interviews.select_related("interviewer"))
    for interview in interviews:
        interview.mine = interview.interviewer_id == request.user.pk
    scheduled = {interview.kind for interview in interviews}
    return render(
        request,
        "staff/recruitment/candidate_detail.html",
        {
            "candidate": candidate,
            "is_recruiter": is_recruiter,
            "phone_masked": mask_phone(candidate.phone),
            "email_masked": mask_email(candidate.email),
            "interviews": interviews,
            "schedule_form": forms.ScheduleInterviewForm(
                interviewers=_branch_users(request.user, candidate.branch)
            )
            if scheduled != set(Interview.Kind.values)
            else None,
            "score_form": forms.ScoreForm(),
            "notes_form": forms.NotesForm(),
            "Stage": Candidate.Stage,
            "Check": Candidate.Check,
        },
    )


@role_required(roles.HR)
@require_POST
def candidate_reveal(request, pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    if not is_recruiter_for(request.user, candidate.branch_id):
        raise Http404
    shown = services.candidate_reveal(
        actor=request.user, candidate=candidate, path=request.get_full_path()
    )
    return render(
        request,
        "staff/recruitment/candidate_reveal.html",
        {"candidate": candidate, "shown": shown},
    )


@role_required()
def candidate_cv(request, pk: int):
    """The CV, to HR and the candidate's interviewers; every download is recorded."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    if not candidate.cv:
        raise Http404
    try:
        with default_storage.open(candidate.cv.name, "rb") as stored:
            data = decrypt_bytes(stored.read())
    except FileNotFoundError:
        raise Http404 from None
    personal_data_view_record(
        user=request.user, obj=candidate, fields=["cv"], path=request.get_full_path()
    )
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=candidate.cv_original_name or "cv",
        content_type=candidate.cv_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


ACTIONS = {
    "screen_pass": lambda actor, c, notes: services.candidate_screen(
        actor=actor, candidate=c, passed=True, notes=notes
    ),
    "screen_fail": lambda actor, c, notes: services.candidate_screen(
        actor=actor, candidate=c, passed=False, notes=notes
    ),
    "background_start": lambda actor, c, notes: services.background_check_start(
        actor=actor, candidate=c
    ),
    "background_pass": lambda actor, c, notes: services.background_check_record(
        actor=actor, candidate=c, passed=True, notes=notes
    ),
    "background_fail": lambda actor, c, notes: services.background_check_record(
        actor=actor, candidate=c, passed=False, notes=notes
    ),
    "reject": lambda actor, c, notes: services.candidate_reject(
        actor=actor, candidate=c, notes=notes
    ),
    "withdraw": lambda actor, c, notes: services.candidate_withdraw(
        actor=actor, candidate=c, notes=notes
    ),
}


@role_required(roles.HR)
@require_POST
def candidate_step(request, pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown step."))
    else:
        try:
            action(request.user, candidate, request.POST.get("notes", ""))
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("staff:recruitment_candidate", pk=candidate.pk)


@role_required(roles.HR)
@require_POST
def interview_schedule(request, pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    form = forms.ScheduleInterviewForm(
        request.POST, interviewers=_branch_users(request.user, candidate.branch)
    )
    if form.is_valid():
        try:
            services.interview_schedule(
                actor=request.user, candidate=candidate, **form.cleaned_data
            )
        except ValidationError as exc:
            _flash(request, exc)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("staff:recruitment_candidate", pk=candidate.pk)


@role_required()
def interview_score(request, pk: int, interview_pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    interview = selectors.interview_get(user=request.user, candidate=candidate, pk=interview_pk)
    if interview.interviewer_id != request.user.pk:
        raise Http404
    form = forms.ScoreForm(
        request.POST or None, initial={"score": interview.score, "notes": interview.notes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_score(actor=request.user, interview=interview, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Interview score saved."))
            return redirect("staff:recruitment_candidate", pk=candidate.pk)
    from staff.models import RecruitmentPolicy

    return render(
        request,
        "staff/recruitment/interview_score.html",
        {
            "candidate": candidate,
            "interview": interview,
            "form": form,
            "scale_max": RecruitmentPolicy.current().interview_score_max,
        },
    )


@role_required(roles.HR)
def candidate_hire(request, pk: int):
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    if not is_recruiter_for(request.user, candidate.branch_id):
        raise Http404
    form = forms.HireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.candidate_hire(
                actor=request.user, candidate=candidate, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is hired (employee %(number)s) and enrolled in onboarding.")
                % {"name": candidate.name, "number": profile.employee_number},
            )
            return redirect("staff:recruitment_candidate", pk=candidate.pk)
    return render(
        request, "staff/recruitment/hire_form.html", {"form": form, "candidate": candidate}
    )


@role_required()
def my_interviews(request):
    return render(
        request,
        "staff/recruitment/my_interviews.html",
        {"interviews": selectors.my_interviews(user=request.user)},
    )
