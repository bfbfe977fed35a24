"""Writes of the supervisor's compliance tools (DESIGN §4.7).

- `compliance_override_grant`: a supervisor lets one refused contact go ahead, with a reason
  (the call logging consumes it, `cases.compliance.checks`);
- `compliance_violation_confirm`: a supervisor records a breach of the rules (promotion
  reviews read these);
- `compliance_rule_set_make_company_default` / `compliance_channel_rules_update`: HQ admin
  staff choose the company's rule set and change the values of a rule set.

Each checks who may do it (the views gate on roles too; the service is the last word),
validates with messages on the fields, writes the change and its history row in one
transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import CASE_SUPERVISOR_ROLES, case_visibility
from cases.compliance.engine import RULE_ORDER, ChannelRules
from cases.models import (
    CallLog,
    Case,
    CaseAssignment,
    CaseHold,
    ComplianceChannelRules,
    ComplianceOverride,
    ComplianceRuleSet,
    ComplianceViolation,
    ContactChannel,
    ContactPoint,
)
from collections_office.workdays import company_tz
from staff import roles
from staff.selectors import has_role, sees_all_branches
from staff.services import notification_send

# What a supervisor may let through. Never: a hold (a dispute or a cease-contact request
# is lifted, not overridden), a channel the rule set has no rules for, a missing recording.
OVERRIDABLE_RULES = (
    "contact_window",
    "unanswered_per_number_per_day",
    "attempts_per_case_per_7_days",
    "quiet_after_conversation",
    "third_party_before_unreachable",
)
NEVER_OVERRIDABLE_RULES = ("hold", "unknown_channel", "recording_required")
# A confirmed violation names one of the engine's rules, or "other" (e.g. abusive language).
VIOLATION_RULES = (*RULE_ORDER, "other")

CHANNEL_RULE_FIELDS = (
    "window_start",
    "window_end",
    "max_unanswered_per_point_per_day",
    "max_attempts_per_case_per_7_days",
    "quiet_days_after_conversation",
    "third_party_only_when_unreachable",
    "unreachable_after_failed_attempts",
    "unreachable_within_days",
    "recording_required",
)


def may_supervise_case(user, case: Case) -> bool:
    """A supervisor of the case's branch (HQ supervisors: any branch)."""
    if not has_role(user, *CASE_SUPERVISOR_ROLES):
        return False
    condition = case_visibility(user)
    return condition is None or Case.objects.filter(condition, pk=case.pk).exists()


def may_manage_rule_sets(user) -> bool:
    """Rule sets are the company's: only admin staff at headquarters change them."""
    return has_role(user, roles.ADMIN_STAFF) and sees_all_branches(user)


# --- Overrides --------------------------------------------------------------------------


@transaction.atomic
def compliance_override_grant(
    *,
    case: Case,
    collector,
    rules: list[str],
    reason: str,
    actor,
    contact_point: ContactPoint | None = None,
    message: str = "",
    channel: str = ContactChannel.CALL,
    now: dt.datetime | None = None,
) -> ComplianceOverride:
    """Lets the case's collector make one contact the rules refused, for a limited time.

    Valid for `COMPLIANCE_OVERRIDE_VALID_MINUTES` from now and used once (by the call
    logging). Refused with a message on the field: no reason, no rules, a rule that is
    never overridden (holds above all), a collector the case is not assigned to, a number
    of another debtor, a case no longer in work. The collector is notified.
    """
    if not may_supervise_case(actor, case):
        raise PermissionDenied
    now = now or timezone.now()
    # Locked: a reassignment at the same moment must not leave an override for the
    # collector who just lost the case.
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the rules may be set aside this time.")
    rules = list(dict.fromkeys(str(rule) for rule in (rules or [])))
    if not rules:
        errors["rules"] = _("Choose the rule or rules the override lets through.")
    elif "hold" in rules or CaseHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        errors["rules"] = _(
            "The case is on hold (a dispute or a cease-contact request): a hold is never "
            "overridden. A supervisor lifts the hold, with a reason, when it no longer applies."
        )
    else:
        never = [rule for rule in rules if rule in NEVER_OVERRIDABLE_RULES]
        known = OVERRIDABLE_RULES + NEVER_OVERRIDABLE_RULES
        unknown = [rule for rule in rules if rule not in known]
        if never:
            errors["rules"] = _("These rules are never overridden: %(rules)s.") % {
                "rules": ", ".join(never)
            }
        elif unknown:
            errors["rules"] = _("Unknown rules: %(rules)s.") % {"rules": ", ".join(unknown)}
    if collector is None or case.assigned_to_id != collector.pk:
        errors["collector"] = _(
            "An override is for the collector the case is assigned to, and it is not "
            "assigned to this person."
        )
    if case.status not in Case.OPEN_STATUSES:
        errors["case"] = _("The case is no longer in work (%(status)s).") % {
            "status": case.get_status_display()
        }
    if contact_point is not None and contact_point.debtor_id != case.debtor_id:
        errors["contact_point"] = _("This number is not one of the case's debtor's.")
    if channel not in ContactChannel.values:
        errors["channel"] = _("Choose a contact channel.")
    if errors:
        raise ValidationError(errors)

    override = ComplianceOverride(
        case=case,
        collector=collector,
        channel=channel,
        contact_point=contact_point,
        rules=rules,
        message=(message or "").strip(),
        reason=reason,
        granted_by=actor,
        granted_at=now,
        valid_until=now + dt.timedelta(minutes=settings.COMPLIANCE_OVERRIDE_VALID_MINUTES),
    )
    override.full_clean()
    override._history_user = actor
    override._change_reason = "Override granted"
    override.save()
    # The collector reads the time in the company's zone, whoever calls the service.
    until = timezone.localtime(override.valid_until, company_tz())
    notification_send(
        recipient=collector,
        actor=actor,
        title=_("Override granted on case %(account)s until %(until)s")
        % {"account": case.account_no, "until": f"{until:%H:%M}"},
        body=reason,
        url=reverse("cases:case_detail", args=[case.pk]),
        email=False,
    )
    return override


# --- Violations -------------------------------------------------------------------------


@transaction.atomic
def compliance_violation_confirm(
    *,
    case: Case,
    collector,
    rule: str,
    occurred_at: dt.datetime | None,
    description: str,
    actor,
    call: CallLog | None = None,
) -> ComplianceViolation:
    """Records a breach a supervisor has established (a complaint, a reviewed recording …).

    The collector must have worked the case (assigned now or before, or made a call on
    it); a call, when named, must be theirs on this case; the time is not in the future.
    """
    if not may_supervise_case(actor, case):
        raise PermissionDenied
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Say what happened.")
    if rule not in VIOLATION_RULES:
        errors["rule"] = _("Choose the rule that was broken (or “other”).")
    now = timezone.now()
    if occurred_at is None:
        errors["occurred_at"] = _("Say when it happened.")
    elif occurred_at > now:
        errors["occurred_at"] = _("The time is in the future.")
    if collector is None:
        errors["collector"] = _("Choose the collector.")
    elif not (
        case.assigned_to_id == collector.pk
        or CaseAssignment.objects.filter(case=case, to_collector=collector).exists()
        or CallLog.objects.filter(case=case, collector=collector).exists()
    ):
        errors["collector"] = _("This person has never worked this case.")
    if call is not None and (
        call.case_id != case.pk or (collector is not None and call.collector_id != collector.pk)
    ):
        errors["call"] = _("This call is not the collector's call on this case.")
    if errors:
        raise ValidationError(errors)
    violation = ComplianceViolation(
        case=case,
        collector=collector,
        call=call,
        rule=rule,
        occurred_at=occurred_at,
        description=description,
        confirmed_by=actor,
        confirmed_at=now,
    )
    violation.full_clean()
    violation._history_user = actor
    violation._change_reason = "Violation confirmed"
    violation.save()
    return violation


# --- Rule sets --------------------------------------------------------------------------


@transaction.atomic
def compliance_rule_set_make_company_default(
    *, rule_set: ComplianceRuleSet, actor
) -> ComplianceRuleSet:
    """Makes `rule_set` the company's: the previous one stops being it, in one transaction.

    Every rule-set row is locked first, so two admins choosing at once end with exactly
    one company rule set (the later choice), never none and never two.
    """
    if not may_manage_rule_sets(actor):
        raise PermissionDenied
    locked = {row.pk: row for row in ComplianceRuleSet.objects.select_for_update().order_by("pk")}
    chosen = locked[rule_set.pk]
    if chosen.is_company_default:
        return chosen
    for row in locked.values():
        if row.is_company_default:
            row.is_company_default = False
            row._history_user = actor
            row._change_reason = f"Replaced as the company's rule set by {chosen.code}"
            row.save(update_fields=["is_company_default"])
    chosen.is_company_default = True
    chosen._history_user = actor
    chosen._change_reason = "Made the company's rule set"
    chosen.save(update_fields=["is_company_default"])
    return chosen


@transaction.atomic
def compliance_channel_rules_update(
    *, channel_rules: ComplianceChannelRules, actor, **values
) -> ComplianceChannelRules:
    """Changes the limits of one channel of a rule set; the engine's own checks apply.

    Errors name the field: a window that ends before it starts, a negative or missing
    limit, "third parties only when unreachable" without its N and M.
    """
    if not may_manage_rule_sets(actor):
        raise PermissionDenied
    unknown = set(values) - set(CHANNEL_RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown channel rule fields: {sorted(unknown)}")
    row = ComplianceChannelRules.objects.select_for_update().get(pk=channel_rules.pk)
    for name, value in values.items():
        setattr(row, name, value)
    errors = channel_rules_errors(row)
    if errors:
        raise ValidationError(errors)
    row.full_clean()
    row._history_user = actor
    row._change_reason = "Channel rules changed"
    row.save()
    return row


def channel_rules_errors(row: ComplianceChannelRules) -> dict[str, str]:
    """The field errors of a channel-rules row, by the engine's rules (empty = valid)."""
    errors: dict[str, str] = {}
    if row.window_start is None:
        errors["window_start"] = _("Enter the time the window opens.")
    if row.window_end is None:
        errors["window_end"] = _("Enter the time the window closes.")
    # The engine could read an end before the start as "past midnight"; the rule rows
    # do not (a database constraint), so here it is a mistake.
    if (
        row.window_start is not None
        and row.window_end is not None
        and row.window_end <= row.window_start
    ):
        errors["window_end"] = _("The window must close after it opens (same day).")
    if row.third_party_only_when_unreachable:
        for name in ("unreachable_after_failed_attempts", "unreachable_within_days"):
            if getattr(row, name) is None:
                errors[name] = _(
                    "Needed when third parties may only be called once the debtor is unreachable."
                )
    for name in ("unreachable_after_failed_attempts", "unreachable_within_days"):
        value = getattr(row, name)
        if value is not None and value < 1 and name not in errors:
            errors[name] = _("Enter a whole number of at least 1, or leave it empty.")
    if errors:
        return errors
    try:
        ChannelRules(
            channel=row.channel,
            **{name: getattr(row, name) for name in CHANNEL_RULE_FIELDS},
        )
    except (ValueError, TypeError) as exc:
        text = str(exc)
        field = next((name for name in CHANNEL_RULE_FIELDS if name in text), None)
        errors[field or "__all__"] = text
    return errors


__all__ = [
    "CHANNEL_RULE_FIELDS",
    "NEVER_OVERRIDABLE_RULES",
    "OVERRIDABLE_RULES",
    "VIOLATION_RULES",
    "channel_rules_errors",
    "compliance_channel_rules_update",
    "compliance_override_grant",
    "compliance_rule_set_make_company_default",
    "compliance_violation_confirm",
    "may_manage_rule_sets",
    "may_supervise_case",
]
