"""The supervisor's compliance tools (DESIGN §4.7): refusals and overrides, the compliance
page per collector and period, confirmed violations, and the rule sets."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import csv_response, xlsx_response
from collections_office.pages import form_errors_from, id_param, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..forms_compliance import (
    ChannelRulesForm,
    OverrideGrantForm,
    PeriodForm,
    ViolationForm,
    default_occurred_at,
)
from ..models import ComplianceChannelRules, ComplianceRuleSet
from ..selectors import compliance as compliance_selectors
from ..selectors.compliance import COMPLIANCE_REVIEWER_ROLES, rule_codes, rule_label
from ..services import compliance as compliance_services
from .common import history_rows

SUPERVISOR_ROLES = selectors.CASE_SUPERVISOR_ROLES
RULE_SET_READER_ROLES = (*COMPLIANCE_REVIEWER_ROLES, *selectors.BANK_MANAGER_ROLES)

# The collector page lists the latest records of each kind; the export has them all.
COLLECTOR_PAGE_ROWS = 200

# The compliance table's sortable columns (sorted in memory: the figures are aggregates).
COLLECTOR_SORTS = (
    "name",
    "attempts",
    "conversations",
    "refusals",
    "overrides",
    "violations",
)


def _period(request):
    """(form, start date, end date): the chosen period, this month by default (company time)."""
    form = PeriodForm(request.GET or None)
    start, end = compliance_selectors.this_month()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
        if end < start:
            start, end = compliance_selectors.this_month()
    return form, start, end


def _collector_export(collector, refusals, overrides, violations, start, end, file_format):
    """Every record of the period (not only the page's latest), one line each."""
    # The CSV streams after the view has returned (and left company time): fix the zone now.
    zone = timezone.get_current_timezone()
    header = [_("Kind"), _("When"), _("Case"), _("Rules"), _("Details"), _("By"), _("Used")]

    def lines():
        for refusal in refusals.iterator(chunk_size=2000):
            yield [
                _("Refusal"),
                timezone.localtime(refusal.refused_at, zone),
                refusal.case.account_no,
                ", ".join(rule_label(code) for code in rule_codes(refusal.rules)),
                refusal.message,
                "",
                "",
            ]
        for override in overrides.iterator(chunk_size=2000):
            yield [
                _("Override"),
                timezone.localtime(override.granted_at, zone),
                override.case.account_no,
                ", ".join(rule_label(code) for code in rule_codes(override.rules)),
                override.reason,
                _display_name(override.granted_by),
                timezone.localtime(override.used_at, zone) if override.used_at else "",
            ]
        for violation in violations.iterator(chunk_size=2000):
            yield [
                _("Confirmed violation"),
                timezone.localtime(violation.occurred_at, zone),
                violation.case.account_no,
                rule_label(violation.rule),
                violation.description,
                _display_name(violation.confirmed_by),
                "",
            ]

    rows = lines()
    if file_format == "csv":
        # Streamed: times as text in company time, the way the page shows them.
        rows = (
            [f"{cell:%Y-%m-%d %H:%M}" if hasattr(cell, "tzinfo") else cell for cell in row]
            for row in lines()
        )
    filename = f"compliance-{collector.get_username()}-{start:%Y%m%d}-{end:%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        response = xlsx_response(filename, header, rows)
    else:
        response = csv_response(filename, header, rows)
    response["Cache-Control"] = "no-store"
    return response


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _collector_rows(collectors, start, end) -> list[dict]:
    collectors = list(collectors)
    figures = compliance_selectors.compliance_figures(
        collector_ids=[c.pk for c in collectors], start=start, end=end
    )
    rows = []
    for collector in collectors:
        row = figures[collector.pk]
        rows.append(
            {
                "collector": collector,
                "name": _display_name(collector),
                "branch": getattr(getattr(collector, "staff_profile", None), "branch", None),
                **row,
                "refusals_by_rule": _by_rule(row["refusals_by_rule"]),
                "overrides_by_rule": _by_rule(row["overrides_by_rule"]),
                "violations_by_rule": _by_rule(row["violations_by_rule"]),
            }
        )
    return rows


def _by_rule(counter) -> list[tuple[str, str, int]]:
    return [(code, rule_label(code), count) for code, count in counter.most_common()]


def _sorted_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    key = sort.lstrip("-")
    if key not in COLLECTOR_SORTS:
        sort, key = "name", "name"
    descending = sort.startswith("-")
    rows = sorted(
        rows,
        key=lambda row: (row[key].lower() if key == "name" else row[key], row["collector"].pk),
        reverse=descending,
    )
    return rows, sort


def _chart(rows: list[dict]) -> str:
    return json.dumps(
        {
            "type": "bar",
            "data": {
                "labels": [row["name"] for row in rows],
                "datasets": [
                    {"label": _("Refusals"), "data": [row["refusals"] for row in rows]},
                    {"label": _("Overrides"), "data": [row["overrides"] for row in rows]},
                    {"label": _("Violations"), "data": [row["violations"] for row in rows]},
                ],
            },
            "options": {
                "responsive": True,
                "maintainAspectRatio": False,
                "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}},
            },
        },
        ensure_ascii=False,
    )


def _export(rows: list[dict], start, end, file_format: str):
    header = [
        _("Collector"),
        _("Branch"),
        _("Attempts"),
        _("Conversations"),
        _("Refusals"),
        _("Refusals by rule"),
        _("Overrides"),
        _("Overrides used"),
        _("Overrides by rule"),
        _("Confirmed violations"),
        _("Violations by rule"),
    ]

    def by_rule(items):
        return "; ".join(f"{label}: {count}" for _code, label, count in items)

    lines = [
        [
            row["name"],
            str(row["branch"] or ""),
            row["attempts"],
            row["conversations"],
            row["refusals"],
            by_rule(row["refusals_by_rule"]),
            row["overrides"],
            row["overrides_used"],
            by_rule(row["overrides_by_rule"]),
            row["violations"],
            by_rule(row["violations_by_rule"]),
        ]
        for row in rows
    ]
    filename = f"compliance-{start:%Y%m%d}-{end:%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        response = xlsx_response(filename, header, lines)
    else:
        response = csv_response(filename, header, lines)
    # Names and figures of people: never kept by a shared cache or the browser's.
    response["Cache-Control"] = "no-store"
    return response


@role_required(*COMPLIANCE_REVIEWER_ROLES, *selectors.COLLECTOR_ROLES)
@in_company_time
def compliance_overview(request):
    """Every collector the viewer reviews, with the period's figures (a collector: own page)."""
    user = request.user
    if not has_role(user, *COMPLIANCE_REVIEWER_ROLES):
        return redirect("cases:compliance_collector", user_id=user.pk)
    form, start, end = _period(request)
    collectors = compliance_selectors.compliance_collectors(user=user).order_by(
        "first_name", "last_name", "username"
    )
    rows = _collector_rows(collectors, start, end)
    file_format = request.GET.get("export", "")
    if file_format in {"csv", "xlsx"}:
        rows, _sort = _sorted_rows(rows, request.GET.get("sort", "name"))
        return _export(rows, start, end, file_format)
    rows, sort = _sorted_rows(rows, request.GET.get("sort", "name"))
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("attempts", "conversations", "refusals", "overrides", "violations")
    }
    export_query = request.GET.copy()
    export_query.pop("export", None)
    return render(
        request,
        "cases/compliance/overview.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "sort": sort,
            "totals": totals,
            "chart_json": _chart(rows),
            "export_query": export_query.urlencode(),
            "is_supervisor": has_role(user, *SUPERVISOR_ROLES),
        },
    )


@role_required(*COMPLIANCE_REVIEWER_ROLES, *selectors.COLLECTOR_ROLES)
@in_company_time
def compliance_collector(request, user_id: int):
    """One collector's period: figures by rule, refusals, overrides and violations."""
    user = request.user
    collector = get_scoped_object_or_404(
        compliance_selectors.compliance_collectors(user=user, include_left=True),
        user=user,
        pk=user_id,
    )
    form, start, end = _period(request)
    row = _collector_rows([collector], start, end)[0]
    since, until = compliance_selectors.period_bounds(start, end)
    records = compliance_selectors.collector_records(user=user, collector=collector)
    refusals = records["refusals"].filter(refused_at__gte=since, refused_at__lt=until)
    overrides = records["overrides"].filter(granted_at__gte=since, granted_at__lt=until)
    violations = records["violations"].filter(occurred_at__gte=since, occurred_at__lt=until)
    file_format = request.GET.get("export", "")
    if file_format in {"csv", "xlsx"}:
        return _collector_export(
            collector, refusals, overrides, violations, start, end, file_format
        )
    refusals = list(refusals[:COLLECTOR_PAGE_ROWS])
    overrides = list(overrides[:COLLECTOR_PAGE_ROWS])
    violations = list(violations[:COLLECTOR_PAGE_ROWS])
    for record in refusals + overrides:
        record.rule_labels = [rule_label(code) for code in rule_codes(record.rules)]
    for violation in violations:
        violation.rule_label = rule_label(violation.rule)
    granters = {
        person.pk: _display_name(person)
        for person in get_user_model().objects.filter(pk__in=list(row["overrides_by_granter"]))
    }
    by_granter = [
        (granters.get(pk, str(pk)), count)
        for pk, count in row["overrides_by_granter"].most_common()
    ]
    export_query = request.GET.copy()
    export_query.pop("export", None)
    return render(
        request,
        "cases/compliance/collector.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "collector": collector,
            "row": row,
            "by_granter": by_granter,
            "refusals": refusals,
            "overrides": overrides,
            "violations": violations,
            "is_reviewer": has_role(user, *COMPLIANCE_REVIEWER_ROLES),
            "now": timezone.now(),
            "page_rows": COLLECTOR_PAGE_ROWS,
            "export_query": export_query.urlencode(),
        },
    )


@role_required(*SUPERVISOR_ROLES)
@in_company_time
def refusal_list(request):
    """The branch's recent refusals, newest first, each with "grant an override"."""
    refusals = compliance_selectors.refusal_list(user=request.user)
    collector_id = id_param(request.GET.get("collector"))
    if collector_id is not None:
        refusals = refusals.filter(collector_id=collector_id)
    page = Paginator(refusals.order_by("-refused_at", "-pk"), 50).get_page(request.GET.get("page"))
    for refusal in page:
        codes = rule_codes(refusal.rules)
        refusal.rule_labels = [rule_label(code) for code in codes]
        refusal.has_hold = "hold" in codes
        refusal.overridable = (
            any(code in compliance_services.OVERRIDABLE_RULES for code in codes)
            and not refusal.has_hold
        )
    return render(
        request,
        "cases/compliance/refusal_list.html",
        {
            "page": page,
            "collectors": compliance_selectors.compliance_collectors(user=request.user).order_by(
                "first_name", "last_name", "username"
            ),
            "collector_id": str(collector_id or ""),
        },
    )


def _grant_page(request, *, case, collector, initial: dict, refusal=None):
    form = OverrideGrantForm(
        request.POST if request.method == "POST" else None, case=case, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            override = compliance_services.compliance_override_grant(
                case=case,
                collector=collector,
                rules=data["rules"],
                reason=data["reason"],
                actor=request.user,
                contact_point=data.get("contact_point"),
                message=data.get("message") or "",
                channel=data.get("channel") or "call",
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Override granted to %(collector)s on case %(account)s until %(until)s.")
                % {
                    "collector": _display_name(collector),
                    "account": case.account_no,
                    "until": f"{timezone.localtime(override.valid_until):%H:%M}",
                },
            )
            if refusal is not None:
                return redirect("cases:compliance_refusals")
            return redirect("cases:case_detail", pk=case.pk)
    return render(
        request,
        "cases/compliance/override_form.html",
        {
            "form": form,
            "case": case,
            "collector": collector,
            "refusal": refusal,
            "hold_in_refusal": refusal is not None and "hold" in rule_codes(refusal.rules),
            "valid_minutes": settings.COMPLIANCE_OVERRIDE_VALID_MINUTES,
        },
    )


@role_required(*SUPERVISOR_ROLES)
@in_company_time
def refusal_override(request, pk: int):
    """Grant an override for a refusal: the form comes filled in from what was refused."""
    refusal = get_scoped_object_or_404(
        compliance_selectors.refusal_list(user=request.user), user=request.user, pk=pk
    )
    codes = rule_codes(refusal.rules)
    initial = {
        "rules": [code for code in codes if code in compliance_services.OVERRIDABLE_RULES],
        "contact_point": refusal.contact_point_id,
        "message": refusal.message,
        "channel": refusal.channel,
    }
    return _grant_page(
        request, case=refusal.case, collector=refusal.collector, initial=initial, refusal=refusal
    )


def _supervised_case(request, pk: int):
    return get_scoped_object_or_404(
        selectors.case_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*SUPERVISOR_ROLES)
@in_company_time
def case_override_grant(request, pk: int):
    """Grant an override on a case, for its assigned collector (from the case page)."""
    case = _supervised_case(request, pk)
    collector = case.assigned_to
    if collector is None:
        messages.error(request, _("The case is not assigned: there is nobody to override for."))
        return redirect("cases:case_detail", pk=case.pk)
    return _grant_page(request, case=case, collector=collector, initial={"channel": "call"})


@role_required(*SUPERVISOR_ROLES)
@in_company_time
def case_violation_confirm(request, pk: int):
    """Record a confirmed violation on the case (optionally on one of its calls)."""
    case = _supervised_case(request, pk)
    initial = {"occurred_at": default_occurred_at(), "collector": case.assigned_to_id}
    call_id = id_param(request.GET.get("call"))
    form = ViolationForm(
        request.POST if request.method == "POST" else None, case=case, initial=initial
    )
    if call_id is not None and not form.is_bound:
        call = form.fields["call"].queryset.filter(pk=call_id).first()
        if call is None:
            raise Http404
        form.initial.update(
            {"call": call.pk, "collector": call.collector_id, "occurred_at": call.started_at}
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            compliance_services.compliance_violation_confirm(
                case=case,
                collector=data["collector"],
                call=data.get("call"),
                rule=data["rule"],
                occurred_at=data["occurred_at"],
                description=data["description"],
                actor=request.user,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Violation recorded."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/compliance/violation_form.html", {"form": form, "case": case})


# --- Rule sets ------------------------------------------------------------------------------


@role_required(*RULE_SET_READER_ROLES)
@in_company_time
def rule_set_list(request):
    """Every rule set with its channel rules; HQ admin staff choose and edit."""
    rule_sets = list(compliance_selectors.rule_set_list())
    return render(
        request,
        "cases/compliance/rule_sets.html",
        {
            "rule_sets": rule_sets,
            "may_manage": compliance_services.may_manage_rule_sets(request.user),
        },
    )


@role_required(*selectors.BANK_MANAGER_ROLES)
@in_company_time
@require_POST
def rule_set_make_company(request, pk: int):
    if not compliance_services.may_manage_rule_sets(request.user):
        raise PermissionDenied
    rule_set = get_scoped_object_or_404(ComplianceRuleSet.objects.all(), user=request.user, pk=pk)
    compliance_services.compliance_rule_set_make_company_default(
        rule_set=rule_set, actor=request.user
    )
    messages.success(
        request, _("%(name)s is now the company's rule set.") % {"name": rule_set.name}
    )
    return redirect("cases:compliance_rule_sets")


@role_required(*selectors.BANK_MANAGER_ROLES)
@in_company_time
def channel_rules_edit(request, pk: int):
    if not compliance_services.may_manage_rule_sets(request.user):
        raise PermissionDenied
    row = get_scoped_object_or_404(
        ComplianceChannelRules.objects.select_related("rule_set"), user=request.user, pk=pk
    )
    form = ChannelRulesForm(request.POST if request.method == "POST" else None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            compliance_services.compliance_channel_rules_update(
                channel_rules=row,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in ChannelRulesForm.Meta.fields},
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Channel rules saved."))
            return redirect("cases:compliance_rule_sets")
    history = history_rows(row.history.select_related("history_user").order_by("-history_id"))
    return render(
        request,
        "cases/compliance/channel_rules_form.html",
        {"form": form, "row": row, "history": history},
    )
