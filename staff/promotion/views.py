"""Promotion pages for applicants and reviewers: my promotion, apply, an application with
its figures, compliance record and history, the review queue, the notice board, appeals.

Thin: every write is a service call; every read of an application goes through
`selectors.application_list(user=...)` (someone else's is a 404).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time
from staff.access import role_required

from .. import roles
from ..models import Position, PromotionAppeal, PromotionCycle, next_position
from ..selectors import get_scoped_object_or_404, has_role, profile_of
from . import committee, forms, selectors, services
from .eligibility import evaluate

Status = services.Status


def _application(request, pk: int):
    return get_scoped_object_or_404(
        selectors.application_list(user=request.user), user=request.user, pk=pk
    )


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _chart_data(standing) -> dict:
    criteria = [
        {
            "key": c.key,
            "label": str(c.label),
            "value": None if c.value is None else float(c.value),
            "bar": float(c.bar),
            "unit": c.unit.strip(),
            "met": c.met,
        }
        for c in standing.criteria
    ]
    months = []
    if standing.figures is not None:
        months = [
            {
                "month": f"{m.month:%Y-%m}",
                "completion": None if m.completion is None else float(m.completion),
                "target": None if m.target is None else float(m.target),
            }
            for m in (getattr(standing.figures, "months", None) or [])
            if not isinstance(m, dict)
        ]
    return {"criteria": criteria, "months": months}


def _progress_period(user) -> tuple[PromotionCycle | None, dt.date, dt.date]:
    """The open cycle for the person's step, else the last twelve months."""
    profile = profile_of(user)
    today = services.today()
    for cycle in selectors.open_cycles(today=today):
        if profile and profile.position in cycle.steps:
            return cycle, cycle.period_start, cycle.period_end
    return None, today - dt.timedelta(days=365), today


@role_required()
@in_company_time
def my_promotion(request):
    """My level, its history, my progress towards the next step, my applications."""
    profile = profile_of(request.user)
    cycle, start, end = _progress_period(request.user)
    standing = evaluate(user=request.user, start=start, end=end) if profile else None
    applied = set(selectors.my_applications(user=request.user).values_list("cycle_id", flat=True))
    return render(
        request,
        "staff/promotion/my_promotion.html",
        {
            "profile": profile,
            "next_step": next_position(profile.position) if profile else None,
            "next_step_label": Position(next_position(profile.position)).label
            if profile and next_position(profile.position)
            else "",
            "cycle": cycle,
            "start": start,
            "end": end,
            "standing": standing,
            "chart": _chart_data(standing) if standing else {},
            "history": selectors.level_history(user=request.user, person=request.user),
            "applications": selectors.my_applications(user=request.user),
            "open_cycles": [
                c
                for c in selectors.open_cycles(today=services.today())
                if profile and profile.position in c.steps and c.pk not in applied
            ],
        },
    )


@role_required()
@in_company_time
def application_new(request, cycle_pk: int):
    cycle = get_object_or_404(selectors.open_cycles(today=services.today()), pk=cycle_pk)
    standing = evaluate(user=request.user, start=cycle.period_start, end=cycle.period_end)
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                cycle=cycle,
                applicant=request.user,
                files=request.FILES.getlist("files"),
                to_position=request.POST.get("to_position") or None,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Application submitted to your department head."))
            return redirect("promotion:application", application.pk)
    return render(
        request,
        "staff/promotion/apply.html",
        {"cycle": cycle, "standing": standing, "form": form, "chart": _chart_data(standing)},
    )


def _detail_context(request, application) -> dict:
    user = request.user
    votes = committee.current_votes(application)
    status = application.status
    may_department = status == Status.DEPARTMENT_REVIEW and services.may_review_department(
        application, user
    )
    may_hr = status == Status.HR_REVIEW and services.may_review_hr(application, user)
    member = services.is_committee_member(application, user) and user.pk != application.applicant_id
    voted = any(v.member_id == user.pk for v in votes)
    return {
        "application": application,
        "figures": application.figures,
        "compliance": application.compliance,
        "stages": application.stages.select_related("actor"),
        "evidence": application.evidence.all(),
        "votes": votes,
        "all_votes": application.votes.select_related("member").order_by("round", "voted_at"),
        "appeals": application.appeals.select_related("filed_by", "decided_by"),
        "is_applicant": user.pk == application.applicant_id,
        "department_form": forms.DepartmentReviewForm() if may_department else None,
        "hr_form": forms.HrReviewForm() if may_hr else None,
        "vote_form": forms.VoteForm()
        if status == Status.COMMITTEE and member and not voted
        else None,
        "decide_form": forms.DecideForm()
        if status == Status.COMMITTEE
        and user.pk != application.applicant_id
        and (member or has_role(user, roles.HR))
        else None,
        "resubmit_form": forms.ResubmitForm()
        if status == Status.MORE_EVIDENCE and user.pk == application.applicant_id
        else None,
        "appeal_decide_form": forms.AppealDecideForm()
        if services.may_review_hr(application, user)
        else None,
        "quorum": application.cycle.quorum,
    }


@role_required()
@in_company_time
def application_detail(request, pk: int):
    application = _application(request, pk)
    return render(
        request, "staff/promotion/application.html", _detail_context(request, application)
    )


def _act(request, pk: int, form_class, act):
    """POST of one review form: the service decides; errors come back as messages."""
    application = _application(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("promotion:application", application.pk)
    try:
        act(application, form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Recorded."))
    return redirect("promotion:application", application.pk)


@require_POST
@role_required(roles.DEPARTMENT_HEAD)
def department_review(request, pk: int):
    return _act(
        request,
        pk,
        forms.DepartmentReviewForm,
        lambda a, data: services.department_review(application=a, actor=request.user, **data),
    )


@require_POST
@role_required(roles.HR)
def hr_review(request, pk: int):
    return _act(
        request,
        pk,
        forms.HrReviewForm,
        lambda a, data: services.hr_review(
            application=a,
            actor=request.user,
            recommend=data["recommend"] == "yes",
            evaluation=data["evaluation"],
        ),
    )


@require_POST
@role_required()
def vote(request, pk: int):
    return _act(
        request,
        pk,
        forms.VoteForm,
        lambda a, data: committee.committee_vote(application=a, actor=request.user, **data),
    )


@require_POST
@role_required()
def decide(request, pk: int):
    return _act(
        request,
        pk,
        forms.DecideForm,
        lambda a, data: committee.committee_decide(application=a, actor=request.user, **data),
    )


@require_POST
@role_required()
def resubmit(request, pk: int):
    return _act(
        request,
        pk,
        forms.ResubmitForm,
        lambda a, data: services.application_resubmit(
            application=a,
            actor=request.user,
            note=data["note"],
            files=request.FILES.getlist("files"),
        ),
    )


@require_POST
@role_required(roles.HR)
def appeal_decide(request, pk: int):
    appeal = get_object_or_404(PromotionAppeal, pk=pk)
    application = _application(request, appeal.application_id)
    form = forms.AppealDecideForm(request.POST)
    if form.is_valid():
        try:
            committee.appeal_decide(
                appeal=appeal,
                actor=request.user,
                uphold=form.cleaned_data["uphold"] == "yes",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Recorded."))
    else:
        messages.error(request, _("Reason: write something."))
    return redirect("promotion:application", application.pk)


@role_required()
def evidence_download(request, pk: int, evidence_pk: int):
    application = _application(request, pk)
    evidence = application.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required()
@in_company_time
def review_queue(request):
    user = request.user
    return render(
        request,
        "staff/promotion/queue.html",
        {
            "department": selectors.department_queue(user=user),
            "hr": selectors.hr_queue(user=user),
            "committee": selectors.committee_queue(user=user),
            "all_visible": selectors.application_list(user=user).exclude(applicant=user)[:200],
        },
    )


@role_required()
@in_company_time
def notice_board(request):
    return render(
        request,
        "staff/promotion/notices.html",
        {"notices": selectors.notice_board()[:200], "now_open": selectors.notice_open},
    )


@role_required()
@in_company_time
def notice_detail(request, pk: int):
    application = selectors.notice_get(pk=pk)
    if application is None:
        raise Http404
    form = forms.AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee.appeal_file(
                application=application, filed_by=request.user, grounds=form.cleaned_data["grounds"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Your appeal has been sent to HR."))
            return redirect("promotion:notice", application.pk)
    return render(
        request,
        "staff/promotion/notice.html",
        {
            "application": application,
            "form": form,
            "is_open": selectors.notice_open(application),
            "last_day": application.notice_ends_at - dt.timedelta(days=1)
            if application.notice_ends_at
            else None,
            "my_appeals": application.appeals.filter(filed_by=request.user),
        },
    )
