"""Assessment pages: HR's templates and rounds, the results (chart, exports), one person's
assessment with the reviewer's scoring form, and a person's history."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import sort_queryset
from staff import roles
from staff.access import role_required
from staff.models import Assessment, AssessmentItem, Branch
from staff.selectors import sees_all_branches, user_branch

from . import selectors, services
from .access import REVIEWER_ROLES, may_administer, may_score
from .forms import (
    RoundCreateForm,
    ScoreForm,
    TemplateCreateForm,
    TemplateWeightsForm,
    period_dates,
)

SORTABLE = {
    "rank": "rank_in_company",
    "branch_rank": "rank_in_branch",
    "name": "subject__last_name",
    "branch": "branch__name",
    "total": "total",
    "status": "status",
}


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _require_admin(user) -> None:
    if not may_administer(user):
        raise PermissionDenied


@role_required()
def assessment_home(request):
    """My assessments; for reviewers the rounds; for HQ HR the templates too."""
    user = request.user
    context = {
        "mine": selectors.person_history(user=user, person=user).reverse(),
        "rounds": selectors.round_list(user=user),
        "templates": selectors.template_list(user=user),
        "is_admin": may_administer(user),
        "create_form": TemplateCreateForm(),
    }
    return render(request, "staff/assessment/home.html", context)


@require_POST
@role_required(roles.HR)
def assessment_template_create(request):
    _require_admin(request.user)
    form = TemplateCreateForm(request.POST)
    if form.is_valid():
        try:
            template = services.template_create(
                kind=form.cleaned_data["kind"], year=form.cleaned_data["year"], actor=request.user
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Template created."))
            return redirect("staff:assessment_template", pk=template.pk)
    else:
        messages.error(request, _("Choose a kind and a year."))
    return redirect("staff:assessments")


@role_required(*REVIEWER_ROLES)
def assessment_template(request, pk: int):
    """A year's template: its sections and items with their weights (HQ HR edits them)."""
    template = selectors.template_get(user=request.user, pk=pk)
    is_admin = may_administer(request.user)
    form = TemplateWeightsForm(request.POST or None, template=template, editable=is_admin)
    if request.method == "POST":
        _require_admin(request.user)
        if form.is_valid():
            sections, items, targets, settings = form.weights()
            try:
                services.template_update(
                    template=template,
                    actor=request.user,
                    section_weights=sections,
                    item_weights=items,
                    item_targets=targets,
                    settings=settings,
                )
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Weights saved."))
                return redirect("staff:assessment_template", pk=template.pk)
    return render(
        request,
        "staff/assessment/template.html",
        {
            "template_obj": template,
            "form": form,
            "is_admin": is_admin,
            "round_form": RoundCreateForm(template=template),
            "rounds": template.rounds.all(),
        },
    )


@require_POST
@role_required(roles.HR)
def assessment_round_create(request, pk: int):
    _require_admin(request.user)
    template = selectors.template_get(user=request.user, pk=pk)
    form = RoundCreateForm(request.POST, template=template)
    if not form.is_valid():
        messages.error(request, _("Choose a period."))
        return redirect("staff:assessment_template", pk=template.pk)
    start, end, label = period_dates(template, form.cleaned_data["period"])
    try:
        round_ = services.round_create(
            template=template, period_start=start, period_end=end, label=label, actor=request.user
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("staff:assessment_template", pk=template.pk)
    return redirect("staff:assessment_round", pk=round_.pk)


def _branch_filter(request):
    """The branch filter of the results: HQ readers choose; others see their branch."""
    if not sees_all_branches(request.user):
        branch = user_branch(request.user)
        return (branch.pk if branch else None), []
    value = request.GET.get("branch", "")
    return (int(value) if value.isdigit() else None), list(Branch.objects.all())


@role_required(*REVIEWER_ROLES)
def assessment_round(request, pk: int):
    """The round's results: progress while computing, the distribution, the table."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    context = {"round": round_, "is_admin": may_administer(request.user)}
    if request.htmx and request.GET.get("part") == "progress":
        return render(request, "staff/assessment/round.html#round-progress", context)
    branch_id, branches = _branch_filter(request)
    rows = selectors.round_rows(user=request.user, round=round_, branch_id=branch_id)
    bands = selectors.distribution(rows)
    rows, sort = sort_queryset(rows, request, SORTABLE, "rank")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    chart = {
        "type": "bar",
        "data": {
            "labels": [label for label, _count in bands],
            "datasets": [{"label": _("People"), "data": [count for _label, count in bands]}],
        },
        "options": {
            "responsive": True,
            "maintainAspectRatio": False,
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}},
        },
    }
    context.update(
        {
            "page": page,
            "sort": sort,
            "branch_id": branch_id,
            "branches": branches,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "has_totals": any(count for _label, count in bands),
            "annual": round_.template.kind == "annual_collector",
        }
    )
    return render(request, "staff/assessment/round.html", context)


@require_POST
@role_required(roles.HR)
def assessment_round_run(request, pk: int):
    _require_admin(request.user)
    round_ = selectors.round_get(user=request.user, pk=pk)
    try:
        services.round_run_request(round=round_, actor=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The computation has started."))
    return redirect("staff:assessment_round", pk=round_.pk)


@require_POST
@role_required(roles.HR)
def assessment_round_finalise(request, pk: int):
    _require_admin(request.user)
    round_ = selectors.round_get(user=request.user, pk=pk)
    try:
        services.round_finalise(round=round_, actor=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The round is finalised: totals, ranks and outcomes set."))
    return redirect("staff:assessment_round", pk=round_.pk)


@role_required(*REVIEWER_ROLES)
def assessment_round_export(request, pk: int, file_format: str):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    round_ = selectors.round_get(user=request.user, pk=pk)
    branch_id, _branches = _branch_filter(request)
    rows = selectors.round_rows(user=request.user, round=round_, branch_id=branch_id)
    header = [
        _("Employee no."),
        _("Name"),
        _("Branch"),
        _("Status"),
        _("Total"),
        _("Rank in branch"),
        _("Rank in company"),
        _("Promotion eligible"),
        _("Reward"),
        _("Training plan"),
        _("Not yet available"),
    ]

    def yes(flag):
        return _("yes") if flag else ""

    def lines():
        for a in rows.iterator(chunk_size=500):
            profile = getattr(a.subject, "staff_profile", None)
            yield [
                profile.employee_number if profile else "",
                a.subject.get_full_name() or a.subject.username,
                a.branch.name,
                a.get_status_display(),
                a.total if a.total is not None else "",
                a.rank_in_branch or "",
                a.rank_in_company or "",
                yes(a.promotion_eligible),
                yes(a.reward),
                yes(a.training_plan),
                a.left_out,
            ]

    filename = f"assessment-{round_.template.kind}-{round_.label}.{file_format}".replace(" ", "-")
    respond = csv_response if file_format == "csv" else xlsx_response
    return respond(filename, header, lines())


@role_required()
def assessment_detail(request, pk: int):
    """One person's assessment: every item, and the scoring form for a reviewer."""
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    results = selectors.assessment_results(assessment)
    template = assessment.round.template
    can_score = assessment.status == Assessment.Status.SCORING and may_score(
        request.user, assessment
    )
    form = ScoreForm(request.POST or None, results=results, scale_max=template.scale_max)
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        if form.is_valid():
            items = {i.pk: i for i in AssessmentItem.objects.filter(section__template=template)}
            try:
                with transaction.atomic():
                    for item_id, score, comment in form.scores():
                        try:
                            services.assessment_score(
                                assessment=assessment,
                                item=items[item_id],
                                score=score,
                                comment=comment,
                                actor=request.user,
                            )
                        except ValidationError as error:
                            field = f"score_{item_id}"
                            for message in _errors(error):
                                form.add_error(field, message)
                            raise
            except ValidationError:
                pass
            else:
                messages.success(request, _("Scores saved."))
                return redirect("staff:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "staff/assessment/detail.html",
        {
            "assessment": assessment,
            "results": results,
            "template_obj": template,
            "form": form,
            "can_score": can_score,
        },
    )


@role_required()
def assessment_person(request, user_id: int):
    """A person's finalised assessments over time, with a chart per kind."""
    person = selectors.person_get(user=request.user, user_id=user_id)
    history = list(selectors.person_history(user=request.user, person=person))
    series = {}
    for a in history:
        series.setdefault(a.round.template.get_kind_display(), []).append(
            {"x": a.round.label, "y": float(a.total) if a.total is not None else None}
        )
    labels = list(dict.fromkeys(a.round.label for a in history))
    chart = {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {"label": str(kind), "data": points, "spanGaps": True}
                for kind, points in series.items()
            ],
        },
        "options": {
            "responsive": True,
            "maintainAspectRatio": False,
            "parsing": {"xAxisKey": "x", "yAxisKey": "y"},
            "scales": {"y": {"beginAtZero": True, "max": 100}},
        },
    }
    return render(
        request,
        "staff/assessment/person.html",
        {
            "person": person,
            "history": history,
            "chart_json": json.dumps(chart, ensure_ascii=False),
        },
    )
