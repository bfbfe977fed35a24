"""The case page's "compliance" panel (supervisors) and the "compliance" timeline source.

Registered from `CasesConfig.ready()` (SOURCE_MODULES). The panel lists the case's
latest refusals and overrides with a short grant form; the timeline shows refusals,
overrides and (to reviewers) confirmed violations.
"""

from __future__ import annotations

from django.db.models import OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from staff.selectors import has_role

from ..access import CASE_SUPERVISOR_ROLES
from ..case_page import case_panel
from ..forms_compliance import OverrideGrantForm
from ..models import ComplianceOverride, ComplianceRefusal, ComplianceViolation
from ..selectors.casepage_data import case_page_data, case_row_kind
from ..selectors.compliance import COMPLIANCE_REVIEWER_ROLES, rule_codes, rule_label
from ..timeline import TimelineEntry, timeline_source

PANEL_ROWS = 5

# The case page asks once which of these a case has (casepage_data): most have none.
case_row_kind(
    "compliance_refusals", lambda: ComplianceRefusal.objects.filter(case_id=OuterRef("pk"))
)
case_row_kind(
    "compliance_overrides", lambda: ComplianceOverride.objects.filter(case_id=OuterRef("pk"))
)
case_row_kind(
    "compliance_violations", lambda: ComplianceViolation.objects.filter(case_id=OuterRef("pk"))
)


def _name(user) -> str:
    return user.get_full_name() or user.get_username() if user is not None else ""


def _refusals(case, limit: int) -> list[ComplianceRefusal]:
    # Read once for the panel and the timeline (the case page's shared reads).
    return case_page_data(case).newest(
        "compliance_refusals",
        limit,
        lambda n: (
            ComplianceRefusal.objects.filter(case=case)
            .select_related("collector")
            .order_by("-refused_at", "-pk")[:n]
        ),
    )


def _overrides(case, limit: int) -> list[ComplianceOverride]:
    return case_page_data(case).newest(
        "compliance_overrides",
        limit,
        lambda n: (
            ComplianceOverride.objects.filter(case=case)
            .select_related("collector", "granted_by")
            .order_by("-granted_at", "-pk")[:n]
        ),
    )


@case_panel("compliance", template="cases/compliance/_panel.html", order=60, column="side")
def compliance_panel(request, case):
    """Supervisors only (the case page has already scoped the case to them)."""
    if not has_role(request.user, *CASE_SUPERVISOR_ROLES):
        return None
    refusals = _refusals(case, PANEL_ROWS)
    overrides = _overrides(case, PANEL_ROWS)
    for record in refusals + overrides:
        record.rule_labels = [rule_label(code) for code in rule_codes(record.rules)]
        record.has_hold = "hold" in rule_codes(record.rules)
    # No query for holds here (the case page shows them): granting on a case on hold
    # is refused by the service with the reason, on the grant form.
    form = None
    if case.assigned_to_id and case.status in case.OPEN_STATUSES:
        form = OverrideGrantForm(case=case, initial={"channel": "call"}, auto_id="compliance-%s")
    return {
        "case": case,
        "refusals": refusals,
        "overrides": overrides,
        "form": form,
    }


@timeline_source("compliance")
def compliance_timeline(case, user, limit: int) -> list[TimelineEntry]:
    entries = []
    for refusal in _refusals(case, limit):
        entries.append(
            TimelineEntry(
                at=refusal.refused_at,
                kind="compliance",
                title=_("Contact refused by the rules: %(rules)s")
                % {"rules": ", ".join(rule_label(c) for c in rule_codes(refusal.rules))},
                detail=refusal.message,
                actor=_name(refusal.collector),
                extra={"record": "refusal", "icon": "shield-x"},
            )
        )
    for override in _overrides(case, limit):
        entries.append(
            TimelineEntry(
                at=override.granted_at,
                kind="compliance",
                title=_("Override granted to %(collector)s: %(rules)s")
                % {
                    "collector": _name(override.collector),
                    "rules": ", ".join(rule_label(c) for c in rule_codes(override.rules)),
                },
                detail=override.reason,
                actor=_name(override.granted_by),
                extra={"record": "override", "icon": "unlock"},
            )
        )
    if has_role(user, *COMPLIANCE_REVIEWER_ROLES) and case_page_data(case).has(
        "compliance_violations"
    ):
        for violation in (
            ComplianceViolation.objects.filter(case=case)
            .select_related("collector", "confirmed_by")
            .order_by("-occurred_at", "-pk")[:limit]
        ):
            entries.append(
                TimelineEntry(
                    at=violation.occurred_at,
                    kind="compliance",
                    title=_("Violation confirmed (%(rule)s) by %(collector)s")
                    % {"rule": rule_label(violation.rule), "collector": _name(violation.collector)},
                    detail=violation.description,
                    actor=_name(violation.confirmed_by),
                    url=reverse("cases:compliance_collector", args=[violation.collector_id]),
                    extra={"record": "violation", "icon": "exclamation-octagon"},
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
