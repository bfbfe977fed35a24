"""The database side of the compliance engine: load what `engine.evaluate` needs, act on it.

The engine is pure; this module feeds it for one case (the rule set that applies, the
holds in force, the attempt history in ONE query) and turns its answer into records:
a refused contact writes a `ComplianceRefusal` and raises `ComplianceRefused`, unless a
supervisor's unused, unexpired `ComplianceOverride` covers every broken rule — then the
contact goes ahead and the override is spent (`used_at`), once.

Granting overrides is the supervisors' compliance tools' business; this module only
consumes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.compliance import engine
from cases.compliance.defaults import rule_set_from_dict
from cases.models import (
    Agreement,
    CallLog,
    Case,
    CaseHold,
    ComplianceChannelRules,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceRuleSet,
    ContactPoint,
)
from cases.models.work import Party

# The rule set is cached on the case object: one load per case per request.
_RULE_SET_ATTRIBUTE = "_compliance_rule_set"


class ComplianceRefused(Exception):
    """A contact the rules refuse; `decision` names every broken rule, `refusal` is the record."""

    def __init__(self, decision: engine.Decision, refusal: ComplianceRefusal | None = None):
        super().__init__(decision.summary)
        self.decision = decision
        self.refusal = refusal

    @property
    def messages(self) -> list[str]:
        return [violation.message for violation in self.decision.violations]

    @property
    def rules(self) -> list[str]:
        return [violation.rule for violation in self.decision.violations]


@dataclass(frozen=True)
class ContactClearance:
    """A contact the rules allow — by themselves, or through a supervisor's override."""

    decision: engine.Decision
    override: ComplianceOverride | None = None

    @property
    def overridden(self) -> bool:
        return self.override is not None


def rule_set_for_case(case: Case) -> engine.RuleSet | None:
    """The agreement's rule set, else the company's; None when neither exists.

    One query (the channel rows with their rule set); a rule set with no channel rows
    costs a second one. Cached on the case object.
    """
    cached = getattr(case, _RULE_SET_ATTRIBUTE, None)
    if cached is not None:
        return cached
    agreement_choice = Agreement.objects.filter(pk=case.agreement_id).values(
        "compliance_rule_set_id"
    )
    company_default = ComplianceRuleSet.objects.filter(is_company_default=True).values("pk")
    chosen = Coalesce(Subquery(agreement_choice[:1]), Subquery(company_default[:1]))
    rows = list(
        ComplianceChannelRules.objects.select_related("rule_set").filter(rule_set_id=chosen)
    )
    if rows:
        row_set = rows[0].rule_set
    else:
        row_set = (
            ComplianceRuleSet.objects.filter(
                Q(pk__in=agreement_choice) | Q(is_company_default=True)
            )
            .order_by("is_company_default")  # the agreement's choice first
            .first()
        )
        if row_set is None:
            return None
    rule_set = rule_set_from_dict(
        {
            "code": row_set.code,
            "name": row_set.name,
            "time_zone_source": row_set.time_zone_source,
            "default_time_zone": row_set.default_time_zone,
            "channels": {row.channel: _channel_dict(row) for row in rows},
        }
    )
    setattr(case, _RULE_SET_ATTRIBUTE, rule_set)
    return rule_set


def _channel_dict(row: ComplianceChannelRules) -> dict:
    return {
        "window_start": row.window_start,
        "window_end": row.window_end,
        "max_unanswered_per_point_per_day": row.max_unanswered_per_point_per_day,
        "max_attempts_per_case_per_7_days": row.max_attempts_per_case_per_7_days,
        "quiet_days_after_conversation": row.quiet_days_after_conversation,
        "third_party_only_when_unreachable": row.third_party_only_when_unreachable,
        "unreachable_after_failed_attempts": row.unreachable_after_failed_attempts,
        "unreachable_within_days": row.unreachable_within_days,
        "recording_required": row.recording_required,
    }


def case_state(case: Case) -> engine.CaseState:
    """The case as the rules see it: its debtor's zone and the holds in force (one query)."""
    holds = tuple(
        CaseHold.objects.filter(case_id=case.pk, lifted_at__isnull=True)
        .order_by("kind")
        .values_list("kind", flat=True)
    )
    return engine.CaseState(
        case_id=case.pk, debtor_time_zone=case.debtor.time_zone or None, active_holds=holds
    )


def attempt_history(
    case: Case, *, since: dt.datetime, exclude_call_id: int | None = None
) -> list[engine.Attempt]:
    """Every call of the case since `since` (started ones included: a dialled call is an
    attempt), as the engine's attempts — one query."""
    calls = CallLog.objects.filter(case_id=case.pk, started_at__gte=since)
    if exclude_call_id is not None:
        calls = calls.exclude(pk=exclude_call_id)
    rows = calls.order_by().values_list(
        "started_at",
        "contact_point_id",
        "party",
        "contact_point__relation",
        "outcome__answered",
        "outcome__conversation",
    )
    # A started call (dialled, not logged: no outcome yet) has None for both.
    return [
        engine.Attempt(
            at=started_at,
            channel=engine.Channel.CALL,
            contact_point_id=point_id,
            party=party,
            to_debtors_own_number=relation == ContactPoint.Relation.DEBTOR,
            answered=bool(answered),
            conversation=party == Party.DEBTOR and bool(conversation),
            outcome_known=answered is not None,
        )
        for started_at, point_id, party, relation, answered, conversation in rows
    ]


def evaluate_contact(
    *,
    case: Case,
    contact_point: ContactPoint | None,
    party: str,
    at: dt.datetime,
    channel: str = engine.Channel.CALL,
    exclude_call_id: int | None = None,
) -> engine.Decision:
    """The engine's decision on the proposed contact (reads only; records nothing)."""
    rule_set = rule_set_for_case(case)
    if rule_set is None:
        return engine.Decision(
            allowed=False,
            violations=(
                engine.Violation(
                    rule="no_rule_set",
                    message=_(
                        "No compliance rule set applies to this case (neither the "
                        "agreement nor the company has one): contact is refused."
                    ),
                ),
            ),
        )
    state = case_state(case)
    since = engine.history_start(rule_set, state, at)
    attempts = attempt_history(case, since=since, exclude_call_id=exclude_call_id)
    own_number = contact_point is None or contact_point.relation == ContactPoint.Relation.DEBTOR
    proposed = engine.ProposedContact(
        channel=channel,
        at=at,
        contact_point_id=contact_point.pk if contact_point is not None else None,
        party=party,
        to_debtors_own_number=own_number,
    )
    return engine.evaluate(rule_set, state, attempts, proposed)


def contact_check(
    *,
    case: Case,
    contact_point: ContactPoint | None,
    party: str,
    at: dt.datetime,
    collector,
    channel: str = engine.Channel.CALL,
    record_refusal: bool = True,
) -> ContactClearance:
    """May `collector` make this contact? A clearance, or `ComplianceRefused`.

    A refusal is recorded (`record_refusal=True`) in a transaction of its own — call
    this outside the transaction of the write it guards, or pass `record_refusal=False`
    and call `refusal_record()` after that transaction rolled back (as `call_log` does).
    An override that covers every broken rule is consumed here (conditional update, so
    two contacts can never spend one override): run this inside the write's transaction
    so that a failed write gives the override back.
    """
    decision = evaluate_contact(
        case=case, contact_point=contact_point, party=party, at=at, channel=channel
    )
    if decision.allowed:
        return ContactClearance(decision=decision)
    override = _consume_override(
        case=case,
        collector=collector,
        contact_point=contact_point,
        channel=channel,
        rules={violation.rule for violation in decision.violations},
    )
    if override is not None:
        return ContactClearance(decision=decision, override=override)
    refusal = None
    if record_refusal:
        refusal = refusal_record(
            case=case,
            collector=collector,
            contact_point=contact_point,
            channel=channel,
            decision=decision,
        )
    raise ComplianceRefused(decision, refusal)


def _consume_override(*, case, collector, contact_point, channel, rules: set[str]):
    now = timezone.now()
    candidates = ComplianceOverride.objects.filter(
        case_id=case.pk,
        collector_id=collector.pk,
        channel=channel,
        used_at__isnull=True,
        valid_until__gt=now,
    )
    if contact_point is not None and contact_point.pk is not None:
        candidates = candidates.filter(
            Q(contact_point__isnull=True) | Q(contact_point_id=contact_point.pk)
        )
    else:
        candidates = candidates.filter(contact_point__isnull=True)
    # The narrowest override first (one for this number), then the one expiring soonest.
    for override in candidates.order_by("contact_point_id", "valid_until", "pk"):
        if not rules <= set(override.rules or []):
            continue
        spent = ComplianceOverride.objects.filter(pk=override.pk, used_at__isnull=True).update(
            used_at=now
        )
        if spent:
            override.used_at = now
            return override
    return None


def refusal_record(
    *, case: Case, collector, contact_point: ContactPoint | None, channel: str, decision
) -> ComplianceRefusal:
    """Records what the rules refused, as the collector was told it."""
    with transaction.atomic():
        return ComplianceRefusal.objects.create(
            case_id=case.pk,
            collector=collector,
            channel=channel,
            contact_point=contact_point if contact_point and contact_point.pk else None,
            refused_at=timezone.now(),
            rules=[violation.rule for violation in decision.violations],
            message=decision.summary,
        )
