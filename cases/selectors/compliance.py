"""Scoped reads of the compliance records: refusals, overrides, violations, per collector.

Who sees what:
- a supervisor (and a branch manager): the records and collectors of their branch; HQ: all;
- a collector: their own compliance page only;
- anyone else: nothing (the views answer 403).

Two plain functions serve other areas and take no viewer: `compliance_summary` (the
promotion reviews, in the staff app, read it through a setting) and the per-collector
figures behind the compliance page. `overrides_granted` is scoped (the supervisor's
dashboard shows today's overrides).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import COLLECTOR_ROLES
from cases.models import (
    CallLog,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceRuleSet,
    ComplianceViolation,
    Party,
)
from collections_office.workdays import company_tz
from staff import roles
from staff.models import StaffProfile
from staff.selectors import has_role, sees_all_branches, user_branch

# Who reads the compliance figures of other people (their branch; HQ: all).
COMPLIANCE_REVIEWER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER)

RULE_LABELS = {
    "hold": _("Hold (dispute or cease-contact)"),
    "unknown_channel": _("Channel without rules"),
    "contact_window": _("Contact window"),
    "unanswered_per_number_per_day": _("Unanswered attempts per number per day"),
    "attempts_per_case_per_7_days": _("Attempts per debt in 7 days"),
    "quiet_after_conversation": _("Quiet period after a conversation"),
    "third_party_before_unreachable": _("Third party before the debtor is unreachable"),
    "recording_required": _("Recording required"),
    "other": _("Other"),
}


def rule_label(code: str) -> str:
    return str(RULE_LABELS.get(code, code))


def rule_codes(rules) -> list[str]:
    """The rule codes of a refusal's or override's `rules` (codes, or {"rule": …} dicts)."""
    codes = []
    for rule in rules or []:
        code = rule.get("rule") if isinstance(rule, dict) else rule
        if code:
            codes.append(str(code))
    return codes


# --- Periods ------------------------------------------------------------------------------


def period_bounds(start: dt.date | dt.datetime, end: dt.date | dt.datetime):
    """[from, until) as aware datetimes: dates are whole days in company time, `end` included.

    Datetimes are taken as they are (half-open), so a caller with its own boundaries
    (a promotion cycle that ends at a moment) gets exactly those.
    """
    zone = company_tz()
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    if not isinstance(end, dt.datetime):
        end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def this_month() -> tuple[dt.date, dt.date]:
    """The first and last day of the current month, in company time."""
    today = timezone.localdate(timezone=company_tz())
    first = today.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return first, next_first - dt.timedelta(days=1)


# --- Scoped lists --------------------------------------------------------------------------


def refusal_list(*, user) -> QuerySet[ComplianceRefusal]:
    """Refusals on the cases the user supervises (branch; HQ all); nothing for others."""
    queryset = ComplianceRefusal.objects.select_related(
        "case", "case__bank", "collector", "contact_point"
    )
    if not has_role(user, *COMPLIANCE_REVIEWER_ROLES):
        return queryset.none()
    return queryset.visible_to(user)


def override_list(*, user) -> QuerySet[ComplianceOverride]:
    queryset = ComplianceOverride.objects.select_related("case", "collector", "granted_by")
    if not has_role(user, *COMPLIANCE_REVIEWER_ROLES):
        return queryset.none()
    return queryset.visible_to(user)


def violation_list(*, user) -> QuerySet[ComplianceViolation]:
    queryset = ComplianceViolation.objects.select_related("case", "collector", "confirmed_by")
    if not has_role(user, *COMPLIANCE_REVIEWER_ROLES):
        return queryset.none()
    return queryset.visible_to(user)


def overrides_granted(*, user, start, end) -> QuerySet[ComplianceOverride]:
    """Overrides granted in [start, end] that `user` (the viewer) may see.

    For the supervisor's dashboard ("overrides today"): per collector with
    `.values("collector").annotate(n=Count("pk"))`. Dates are whole days in company time.
    """
    since, until = period_bounds(start, end)
    return override_list(user=user).filter(granted_at__gte=since, granted_at__lt=until)


def compliance_collectors(*, user, include_left: bool = False) -> QuerySet:
    """The collectors whose compliance pages `user` may open.

    Reviewers: the collectors of their branch (HQ: every branch); a collector: themself.
    """
    User = get_user_model()
    collectors = User.objects.filter(groups__name__in=COLLECTOR_ROLES).distinct()
    if has_role(user, *COMPLIANCE_REVIEWER_ROLES):
        profiles = StaffProfile.objects.all()
        if not include_left:
            profiles = profiles.filter(status=StaffProfile.Status.ACTIVE)
        if not sees_all_branches(user):
            branch = user_branch(user)
            if branch is None:
                return User.objects.none()
            profiles = profiles.filter(branch=branch)
        collectors = collectors.filter(pk__in=profiles.values("user_id"))
    elif has_role(user, *COLLECTOR_ROLES):
        collectors = collectors.filter(pk=user.pk)
    else:
        return User.objects.none()
    return User.objects.filter(pk__in=collectors.values("pk")).select_related(
        "staff_profile__branch"
    )


def collector_records(*, user, collector) -> dict[str, QuerySet]:
    """The refusals, overrides and violations of one collector that `user` may list.

    A collector reads all of their own (even on cases since reassigned); a reviewer those
    on the cases of their branch.
    """
    refusals = ComplianceRefusal.objects.filter(collector=collector).select_related(
        "case", "contact_point"
    )
    overrides = ComplianceOverride.objects.filter(collector=collector).select_related(
        "case", "granted_by"
    )
    violations = ComplianceViolation.objects.filter(collector=collector).select_related(
        "case", "confirmed_by", "call"
    )
    if user.pk != collector.pk:
        refusals = refusals.visible_to(user)
        overrides = overrides.visible_to(user)
        violations = violations.visible_to(user)
    return {"refusals": refusals, "overrides": overrides, "violations": violations}


def rule_set_list() -> QuerySet[ComplianceRuleSet]:
    """Rule sets are company-wide and not personal: every reviewer reads them all."""
    return ComplianceRuleSet.objects.prefetch_related("channels").annotate(
        agreement_count=Count("agreements")
    )


# --- Figures -------------------------------------------------------------------------------


def _empty_figures() -> dict:
    return {
        "attempts": 0,
        "conversations": 0,
        "refusals": 0,
        "refusals_by_rule": Counter(),
        "overrides": 0,
        "overrides_used": 0,
        "overrides_by_rule": Counter(),
        "overrides_by_granter": Counter(),
        "violations": 0,
        "violations_by_rule": Counter(),
    }


def compliance_figures(*, collector_ids: Iterable[int], start, end) -> dict[int, dict]:
    """{collector id: figures} for the period: four queries whatever the number of collectors.

    attempts = calls logged (drafts included: an attempt is an attempt); conversations =
    calls where the debtor was spoken with; refusals, overrides (granted in the period,
    and how many were used) and confirmed violations (by when they happened), each also
    counted per rule. Not scoped: the caller decides whose figures may be shown.
    """
    ids = list(collector_ids)
    figures: dict[int, dict] = defaultdict(_empty_figures)
    for pk in ids:
        figures[pk]  # every collector gets a row, even with nothing in the period
    if not ids:
        return dict(figures)
    since, until = period_bounds(start, end)
    calls = (
        CallLog.objects.filter(collector_id__in=ids, started_at__gte=since, started_at__lt=until)
        .values("collector_id")
        .annotate(
            attempts=Count("pk"),
            conversations=Count("pk", filter=Q(party=Party.DEBTOR, outcome__conversation=True)),
        )
        .order_by()
    )
    for row in calls:
        figures[row["collector_id"]]["attempts"] = row["attempts"]
        figures[row["collector_id"]]["conversations"] = row["conversations"]
    refusals = ComplianceRefusal.objects.filter(
        collector_id__in=ids, refused_at__gte=since, refused_at__lt=until
    ).values_list("collector_id", "rules")
    for collector_id, rules in refusals:
        row = figures[collector_id]
        row["refusals"] += 1
        row["refusals_by_rule"].update(rule_codes(rules))
    overrides = ComplianceOverride.objects.filter(
        collector_id__in=ids, granted_at__gte=since, granted_at__lt=until
    ).values_list("collector_id", "rules", "used_at", "granted_by_id")
    for collector_id, rules, used_at, granted_by_id in overrides:
        row = figures[collector_id]
        row["overrides"] += 1
        row["overrides_used"] += used_at is not None
        row["overrides_by_rule"].update(rule_codes(rules))
        row["overrides_by_granter"][granted_by_id] += 1
    violations = ComplianceViolation.objects.filter(
        collector_id__in=ids, occurred_at__gte=since, occurred_at__lt=until
    ).values_list("collector_id", "rule")
    for collector_id, rule in violations:
        row = figures[collector_id]
        row["violations"] += 1
        row["violations_by_rule"][rule] += 1
    return dict(figures)


def compliance_summary(*, collector, start, end) -> dict:
    """One collector's compliance in a period, as plain numbers (DESIGN §4.7, §5).

    Called by the promotion reviews (the staff app, through a setting naming this
    function: staff never imports cases), so keep it a plain function of plain values:
    `collector` a user (or user id), `start`/`end` dates (whole days in company time, `end`
    included) or aware datetimes (half-open). Not scoped: the caller decides who reads it.

    Returns::

        {"attempts": int, "conversations": int,
         "refusals": {"total": int, "by_rule": {rule code: int}},
         "overrides": {"total": int, "used": int, "by_rule": {...}, "by_granter": {user id: int}},
         "violations": {"total": int, "by_rule": {...}}}
    """
    collector_id = getattr(collector, "pk", collector)
    row = compliance_figures(collector_ids=[collector_id], start=start, end=end)[collector_id]
    return {
        "attempts": row["attempts"],
        "conversations": row["conversations"],
        "refusals": {"total": row["refusals"], "by_rule": dict(row["refusals_by_rule"])},
        "overrides": {
            "total": row["overrides"],
            "used": row["overrides_used"],
            "by_rule": dict(row["overrides_by_rule"]),
            "by_granter": dict(row["overrides_by_granter"]),
        },
        "violations": {"total": row["violations"], "by_rule": dict(row["violations_by_rule"])},
    }
