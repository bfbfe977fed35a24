"""Supervisor pages of assignment: the unassigned list, assigning and distributing,
reassigning a collector's cases, one case's assignment, and the service-level breaches.

Also the case page's "assignment" panel (side column).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from collections_office.pages import counted_page, in_company_time, sort_queryset
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, sees_all_branches

from ..access import CASE_SUPERVISOR_ROLES
from ..case_page import case_panel
from ..models import Case, OverdueBucket, overdue_bucket
from ..selectors import assignment as selectors
from ..services import assignment as services
from .assignment_forms import (
    AssignForm,
    CaseAssignForm,
    ReassignForm,
    filters_from_querystring,
)

User = get_user_model()

UNASSIGNED_SORTS = {
    "account": "account_no",
    "debtor": "debtor__name",
    "bank": "bank__name",
    "balance": "total_balance",
    "overdue": "overdue_since",
    "received": "last_placement__received_at",
    "due": "last_placement__assignment_due_at",
}
PER_PAGE = 50
# What the services and the plan read of each selected case (thousands of them).
SELECTION_FIELDS = ("pk", "status", "branch", "account_no", "overdue_since")
PLAN_SALT = "cases.assignment.plan"
PLAN_MAX_AGE = 2 * 60 * 60


def _collectors_with_load(branch, *, with_load: bool = True) -> list:
    """The branch's collectors; with their open cases and balance unless the page is one
    that is opened all day (the load sums every open case of the branch: the preview
    shows it before anything is applied)."""
    collectors = list(selectors.assignable_collectors(branch=branch))
    loads = selectors.collector_loads([c.pk for c in collectors]) if with_load else {}
    for collector in collectors:
        collector.open_cases, collector.open_balance = loads.get(collector.pk, (None, None))
        collector.display = selectors.display_name(collector)
    return collectors


def _collector_pickers(collectors: list[tuple[int, str]], posted) -> dict[str, str]:
    """The unassigned list's two collector pickers (the select and the distribution's
    checkboxes), made here in one pass as HTML: the bench branch has 2,000 collectors,
    and a template loop over them twice was most of the page's CPU (docs/benchmarks.md).
    What was posted stays chosen when the page comes back with an error."""
    chosen = str(posted.get("collector", "")) if posted else ""
    ticked = set(posted.getlist("collectors")) if hasattr(posted, "getlist") else set()
    options, boxes = [], []
    for pk, name in collectors:
        value, label = str(pk), escape(name)
        options.append(
            f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
        )
        boxes.append(
            '<div class="col"><div class="form-check">'
            f'<input class="form-check-input" type="checkbox" name="collectors" value="{value}"'
            f' id="distribute-{value}"{" checked" if value in ticked else ""}>'
            f'<label class="form-check-label" for="distribute-{value}">{label}</label>'
            "</div></div>"
        )
    return {"options": mark_safe("".join(options)), "checkboxes": mark_safe("".join(boxes))}  # noqa: S308 (escaped above)


def _shown(value: dt.datetime | None, format_: str) -> str:
    """A time as the page shows it, in the current (company's) zone; "" for none."""
    return timezone.localtime(value).strftime(format_) if value else ""


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


# --- The unassigned list ---------------------------------------------------------------------


def _unassigned_page(request, *, querystring: str, errors=None, posted=None):
    """The list; with `errors`, the same page with the refused form's messages (200,
    like every form page here: the messages are the answer)."""
    form, filters = filters_from_querystring(querystring)
    now = timezone.now()
    cases = selectors.unassigned_cases(user=request.user, filters=filters, now=now)
    cases, sort = sort_queryset(cases, request, UNASSIGNED_SORTS, "due")
    # Page on ids, counted in the same scan (sorting whole rows spilled to disk at 20,000
    # cases), then read the page's rows by id as plain values.
    page = counted_page(cases.values_list("pk"), number=request.GET.get("page"), per_page=PER_PAGE)
    page.object_list = selectors.unassigned_page_rows(cases, [pk for (pk,) in page.object_list])
    today = timezone.localdate()
    for case in page:
        case["bucket"] = overdue_bucket(case["overdue_since"], today)
        case["clock"] = selectors.clock_until(case["assignment_due_at"], now=now)
        case["received"] = _shown(case["received_at"], "%Y-%m-%d %H:%M")
        case["due"] = _shown(case["assignment_due_at"], "%m-%d %H:%M")
    branch = selectors.assignment_branch(request.user, filters.branch)
    return render(
        request,
        "cases/assignment/unassigned.html",
        {
            "page": page,
            "form": form,
            "sort": sort,
            "querystring": querystring,
            "choices": selectors.unassigned_filter_choices(user=request.user),
            "bucket_choices": OverdueBucket.choices,
            "selected": {key: form.data.get(key, "") for key in form.fields},
            "branch": branch,
            "needs_branch": branch is None and sees_all_branches(request.user),
            "collectors": _collector_pickers(
                selectors.assignable_collector_names(branch=branch), posted
            ),
            "errors": errors or {},
            "posted": posted or {},
        },
    )


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
def unassigned_list(request):
    querystring = request.GET.copy()
    for key in ("page", "sort"):
        querystring.pop(key, None)
    return _unassigned_page(request, querystring=querystring.urlencode())


def _selected_cases(request, form: AssignForm) -> tuple[list[Case], str]:
    """The cases the form asks for, scoped: ticked ids (404 if any is not the user's to
    see), or everything the filter matches now. Returns them and a description."""
    data = form.cleaned_data
    if data["scope"] == "filter":
        _form, filters = filters_from_querystring(data.get("filter", ""))
        cases = list(
            selectors.unassigned_cases(user=request.user, filters=filters)
            .select_related(None)
            .only(*SELECTION_FIELDS)
        )
        return cases, _("Every case matching: %(filter)s") % {
            "filter": data.get("filter") or _("no filter")
        }
    ids = set(data.get("case") or [])
    if not ids:
        return [], ""
    cases = list(
        selectors.supervised_cases(request.user)
        .filter(pk__in=ids)
        .annotate(total_balance=selectors.BALANCE)
    )
    if len(cases) != len(ids):
        # One of the ids is not a case this supervisor may see: a 404, logged.
        get_scoped_object_or_404(Case.objects.none(), user=request.user, pk=sorted(ids)[0])
    return cases, _("%(n)d selected cases") % {"n": len(cases)}


def _collector(pk: int | None):
    if pk is None:
        return None
    return User.objects.filter(pk=pk).first()


def _back_to_list(querystring: str):
    url = reverse("cases:assignment")
    return redirect(f"{url}?{querystring}" if querystring else url)


def _report(request, result: services.AssignmentResult) -> None:
    level = messages.WARNING if result.taken else messages.SUCCESS
    messages.add_message(request, level, result.summary())


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
@require_POST
def assign(request):
    """Assigns the ticked cases, or all the filter matches, to one collector."""
    form = AssignForm(request.POST)
    querystring = request.POST.get("filter", "")
    if not form.is_valid():
        return _unassigned_page(
            request,
            querystring=querystring,
            errors=dict(form.errors),
            posted=request.POST,
        )
    cases, description = _selected_cases(request, form)
    kind = (
        "filter"
        if form.cleaned_data["scope"] == "filter"
        else ("single" if len(cases) == 1 else "selection")
    )
    try:
        result = services.cases_assign(
            cases=cases,
            collector=_collector(form.cleaned_data.get("collector")),
            actor=request.user,
            kind=kind,
            description=description,
        )
    except ValidationError as exc:
        return _unassigned_page(
            request,
            querystring=querystring,
            errors=_field_errors(exc),
            posted=request.POST,
        )
    _report(request, result)
    return _back_to_list(querystring)


# --- Automatic distribution: preview, then apply exactly what was shown -------------------


def _chosen_collectors(ids) -> list:
    users = {user.pk: user for user in User.objects.filter(pk__in=list(ids))}
    return [users.get(pk) for pk in ids]


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
@require_POST
def distribution_preview(request):
    form = AssignForm(request.POST)
    querystring = request.POST.get("filter", "")
    if not form.is_valid():
        return _unassigned_page(
            request,
            querystring=querystring,
            errors=dict(form.errors),
            posted=request.POST,
        )
    cases, description = _selected_cases(request, form)
    collector_ids = list(dict.fromkeys(form.cleaned_data.get("collectors") or []))
    try:
        if not cases:
            raise ValidationError({"cases": pgettext("assignment", "Select at least one case.")})
        if not collector_ids:
            raise ValidationError({"collectors": _("Choose the collectors to distribute over.")})
        branches = {case.branch_id for case in cases}
        collectors = _chosen_collectors(collector_ids)
        for collector in collectors:
            try:
                services.check_collector(collector, branches=branches)
            except ValidationError as exc:
                raise ValidationError({"collectors": exc.error_dict["collector"]}) from None
    except ValidationError as exc:
        return _unassigned_page(
            request,
            querystring=querystring,
            errors=_field_errors(exc),
            posted=request.POST,
        )
    by_bucket = form.cleaned_data.get("by_bucket", False)
    plan = services.distribution_plan(cases=cases, collectors=collectors, by_bucket=by_bucket)
    names = {collector.pk: selectors.display_name(collector) for collector in collectors}
    for share in plan.shares:
        share.name = names[share.collector_id]
        share.buckets = [
            (bucket, share.by_bucket.get(bucket, 0)) for bucket in OverdueBucket.values
        ]
    signed = signing.dumps(
        {
            "actor": request.user.pk,
            "branch": next(iter(branches)),
            "moves": [[case_id, collector_id] for case_id, collector_id in plan.moves().items()],
            "description": description[:300] + (_(" · by overdue bucket") if by_bucket else ""),
            "filter": querystring,
        },
        salt=PLAN_SALT,
        compress=True,
    )
    return render(
        request,
        "cases/assignment/preview.html",
        {
            "plan": plan,
            "signed_plan": signed,
            "querystring": querystring,
            "description": description,
            "bucket_labels": OverdueBucket.values,
        },
    )


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
@require_POST
def distribution_apply(request):
    try:
        plan = signing.loads(request.POST.get("plan", ""), salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.BadSignature:
        messages.error(
            request, _("This preview has expired or was changed. Preview the distribution again.")
        )
        return redirect("cases:assignment")
    if plan.get("actor") != request.user.pk:
        raise Http404
    moves = {int(case_id): int(collector_id) for case_id, collector_id in plan["moves"]}
    visible = set(
        selectors.supervised_cases(request.user)
        .filter(pk__in=list(moves))
        .values_list("pk", flat=True)
    )
    if visible != set(moves):
        raise Http404
    try:
        result = services.distribution_apply(
            moves=moves,
            collectors=[
                c for c in _chosen_collectors(sorted(set(moves.values()))) if c is not None
            ],
            branch_id=plan["branch"],
            actor=request.user,
            description=plan.get("description", ""),
        )
    except ValidationError as exc:
        for errors in _field_errors(exc).values():
            for error in errors:
                messages.error(request, error)
        return _back_to_list(plan.get("filter", ""))
    _report(request, result)
    return _back_to_list(plan.get("filter", ""))


# --- One case ---------------------------------------------------------------------------------


def _supervised_case(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.supervised_cases(request.user).select_related(
            "bank", "assigned_to", "last_placement", "branch"
        ),
        user=request.user,
        pk=pk,
    )


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
def case_assignment(request, pk: int):
    """Assign or reassign one case (the case page's panel posts here).

    GET from the case page's panel (htmx): the form alone, with the branch's collectors,
    and `expected` = the collector the page showed (`?expected=`), so that a change made
    since the page was opened is refused as a conflict, as before."""
    case = _supervised_case(request, pk)
    shown = request.GET.get("expected", "")
    shown = int(shown) if shown.isdigit() else case.assigned_to_id
    if request.method == "GET" and request.htmx:
        return render(
            request,
            "cases/assignment/_case_assign_form.html",
            {
                "case": case,
                "collector_options": _collector_options(case),
                "expected": shown,
                "errors": None,
            },
        )
    form = CaseAssignForm(request.POST or None, initial={"expected": case.assigned_to_id})
    errors: dict = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_assign(
                    case=case,
                    collector=_collector(form.cleaned_data.get("collector")),
                    actor=request.user,
                    expected_collector_id=form.cleaned_data.get("expected"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as exc:
                errors = _field_errors(exc)
            else:
                messages.success(
                    request, _("Case %(account)s assigned.") % {"account": case.account_no}
                )
                return redirect("cases:case_detail", pk=case.pk)
        else:
            errors = dict(form.errors)
    return render(
        request,
        "cases/assignment/case_assign.html",
        {
            "case": case,
            "form": form,
            "errors": errors,
            "collectors": [
                (collector.pk, f"{collector.display} · {collector.open_cases}")
                for collector in _collectors_with_load(case.branch)
                if collector.pk != case.assigned_to_id
            ],
            # What the supervisor saw stays what they saw, even when the form comes back.
            "expected": form.data.get("expected", "") if form.is_bound else shown,
        },
    )


# --- A collector's cases: reassign a selection -------------------------------------------------


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
def collector_cases(request, pk: int):
    collector = selectors.collector_for_user(user=request.user, pk=pk)
    if collector is None:
        get_scoped_object_or_404(User.objects.none(), user=request.user, pk=pk)
    cases = selectors.collector_cases(user=request.user, collector=collector)
    form = ReassignForm(request.POST or None)
    errors: dict = {}
    if request.method == "POST":
        if form.is_valid():
            ids = set(form.cleaned_data.get("case") or [])
            chosen = list(selectors.supervised_cases(request.user).filter(pk__in=ids))
            if len(chosen) != len(ids):
                get_scoped_object_or_404(Case.objects.none(), user=request.user, pk=sorted(ids)[0])
            try:
                result = services.cases_reassign(
                    cases=chosen,
                    from_collector=collector,
                    to_collector=_collector(form.cleaned_data.get("collector")),
                    actor=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as exc:
                errors = _field_errors(exc)
            else:
                _report(request, result)
                return redirect("cases:assignment_collector", pk=collector.pk)
        else:
            errors = dict(form.errors)
    cases, sort = sort_queryset(
        cases, request, UNASSIGNED_SORTS | {"assigned": "assigned_at"}, "-balance"
    )
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for case in page:
        case.bucket = overdue_bucket(case.overdue_since, today)
    branch = collector.staff_profile.branch
    return render(
        request,
        "cases/assignment/collector_cases.html",
        {
            "collector": collector,
            "collector_name": selectors.display_name(collector),
            "page": page,
            "sort": sort,
            "errors": errors,
            "posted": request.POST,
            "collectors": [c for c in _collectors_with_load(branch) if c.pk != collector.pk],
            "load": selectors.collector_loads([collector.pk])[collector.pk],
        },
    )


# --- Service-level breaches -------------------------------------------------------------------


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - dt.timedelta(days=7)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
def breaches(request):
    """Open breaches now, and breaches of a period (default: the last 7 days)."""
    start, end = _period(request)
    start_at = selectors.start_of_day(start)
    end_at = selectors.start_of_day(end + dt.timedelta(days=1))
    now = timezone.now()
    period_assignment = selectors.assignment_breaches_in_period(
        user=request.user, start=start_at, end=end_at, now=now
    )
    return render(
        request,
        "cases/assignment/breaches.html",
        {
            "start": start,
            "end": end,
            "open_assignment": selectors.assignment_breaches_open(user=request.user, now=now)[:200],
            "open_first_action": selectors.first_action_breaches_open(user=request.user, now=now)[
                :200
            ],
            "period_late_assignments": period_assignment["late_assignments"][:200],
            "period_still_unassigned": period_assignment["still_unassigned"][:200],
            "period_assignment_count": period_assignment["count"],
            "period_first_action": selectors.first_action_breaches_in_period(
                user=request.user, start=start_at, end=end_at, now=now
            )[:200],
            "sla_minutes": selectors.first_action_sla().total_seconds() // 60,
        },
    )


# --- The case page's panel ----------------------------------------------------------------------


@case_panel("assignment", template="cases/assignment/_panel.html", order=10, column="side")
def assignment_panel(request, case: Case) -> dict:
    now = timezone.now()
    panel = {
        "case": case,
        "collector_name": selectors.display_name(case.assigned_to) if case.assigned_to_id else "",
        "assigned_at": case.assigned_at,
        "first_action_at": case.first_action_at,
        "may_assign": selectors.may_assign(request.user) and case.is_open,
    }
    if case.assigned_to_id and case.assigned_at and case.first_action_at is None:
        due = case.assigned_at + selectors.first_action_sla()
        panel["first_action_due"] = due
        panel["first_action_clock"] = selectors.AssignmentClock(due_at=due, left=due - now)
    elif not case.assigned_to_id and case.is_open and case.last_placement_id:
        panel["assignment_clock"] = selectors.assignment_clock(case, now=now)
    # The form and its list of the branch's collectors (2,000 in the bench's branch: 16 ms
    # of every supervisor's case page) come on demand: the panel's button fetches them
    # (case_assignment's fragment), or opens the assignment page without JavaScript.
    return panel


def _collector_options(case: Case):
    """The branch's collectors but the case's own as the select's options, made in one
    pass from plain values (a template loop or model instances per option cost more
    than the rest of the case page did: DESIGN §9, docs/benchmarks.md)."""
    rows = (
        selectors.assignable_collectors(branch=case.branch)
        .exclude(pk=case.assigned_to_id or 0)
        .values_list("pk", "first_name", "last_name", "username")
    )
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows),
    )


# --- The supervisor's dashboard panel ------------------------------------------------------------


def supervisor_dashboard_panel(user) -> dict:
    """Unassigned cases and their breaches, first-action breaches, overrides granted today
    (cases.dashboard adds it; the calls of the day per collector are a panel of their own)."""
    now = timezone.now()
    summary = selectors.service_level_summary(user=user, now=now)
    overrides = selectors.overrides_today(user=user, now=now)
    return {
        "template": "cases/assignment/_dashboard.html",
        **summary,
        "assignment_breach_list": list(selectors.assignment_breaches_open(user=user, now=now)[:10]),
        "first_action_breach_list": list(
            selectors.first_action_breaches_open(user=user, now=now)[:10]
        ),
        "overrides_today": list(overrides[:10]),
        "overrides_today_count": overrides.count(),
        "sla_minutes": settings.FIRST_ACTION_SLA_MINUTES,
    }
