"""Granting overrides, confirming violations, choosing and editing rule sets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import (
    ComplianceChannelRules,
    ComplianceOverride,
    ComplianceRuleSet,
    ComplianceViolation,
)
from cases.services.compliance import (
    compliance_channel_rules_update,
    compliance_override_grant,
    compliance_rule_set_make_company_default,
    compliance_violation_confirm,
)
from collections_office.workdays import company_tz
from staff import roles
from staff.models import Notification
from tests.factories import make_staff

from .conftest import make_call, phone_of, place_hold

pytestmark = pytest.mark.django_db


def grant(case, collector, supervisor, **overrides):
    kwargs = {
        "case": case,
        "collector": collector,
        "rules": ["contact_window"],
        "reason": "The debtor asked to be called after work.",
        "actor": supervisor,
        "contact_point": phone_of(case),
        "message": "22:14 is outside the contact window 08:00–22:00.",
    }
    kwargs.update(overrides)
    return compliance_override_grant(**kwargs)


# --- Overrides ---------------------------------------------------------------------------


def test_an_override_is_recorded_with_history_and_the_collector_is_notified(
    case, collector, supervisor, settings
):
    settings.COMPLIANCE_OVERRIDE_VALID_MINUTES = 45
    before = timezone.now()
    override = grant(case, collector, supervisor)

    override.refresh_from_db()
    assert override.rules == ["contact_window"]
    assert override.granted_by == supervisor
    assert override.collector == collector
    assert override.used_at is None
    assert override.valid_until - override.granted_at == dt.timedelta(minutes=45)
    assert override.granted_at >= before
    record = override.history.get()
    assert record.history_user == supervisor
    assert record.history_type == "+"
    notification = Notification.objects.get(recipient=collector)
    until = timezone.localtime(override.valid_until, company_tz())
    assert case.account_no in notification.title
    assert notification.url == f"/cases/{case.pk}/"
    assert notification.actor == supervisor
    assert until.strftime("%H:%M") in notification.title


def test_an_hq_supervisor_may_grant_on_any_branch(case, collector, hq_supervisor):
    assert grant(case, collector, hq_supervisor).granted_by == hq_supervisor


def test_an_override_without_a_reason_is_refused_on_the_field_and_nothing_is_written(
    case, collector, supervisor
):
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, reason="   ")
    assert "reason" in caught.value.message_dict
    assert not ComplianceOverride.objects.exists()
    assert not Notification.objects.exists()


def test_an_override_without_rules_is_refused(case, collector, supervisor):
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, rules=[])
    assert "rules" in caught.value.message_dict
    assert not ComplianceOverride.objects.exists()


def test_a_hold_is_never_overridden(case, collector, supervisor):
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, rules=["hold", "contact_window"])
    assert "never overridden" in " ".join(caught.value.message_dict["rules"])
    assert not ComplianceOverride.objects.exists()


def test_no_override_while_the_case_is_on_hold_even_for_another_rule(case, collector, supervisor):
    place_hold(case, supervisor)
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, rules=["contact_window"])
    assert "hold" in " ".join(caught.value.message_dict["rules"])
    assert not ComplianceOverride.objects.exists()


@pytest.mark.parametrize("rule", ["recording_required", "unknown_channel", "no_such_rule"])
def test_rules_that_cannot_be_overridden_are_named(case, collector, supervisor, rule):
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, rules=[rule])
    assert rule in " ".join(caught.value.message_dict["rules"])


def test_an_override_is_only_for_the_assigned_collector(case, other_collector, supervisor):
    with pytest.raises(ValidationError) as caught:
        grant(case, other_collector, supervisor)
    assert "collector" in caught.value.message_dict
    assert not ComplianceOverride.objects.exists()


def test_a_number_of_another_debtor_is_refused(case, collector, supervisor, agreement_a):
    from tests.cases.api.builders import make_case

    stranger = make_case(agreement_a)
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor, contact_point=phone_of(stranger))
    assert "contact_point" in caught.value.message_dict


def test_a_recalled_case_gets_no_override(case, collector, supervisor):
    type(case).objects.filter(pk=case.pk).update(status="recalled", recalled_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        grant(case, collector, supervisor)
    assert "case" in caught.value.message_dict


def test_a_supervisor_of_another_branch_may_not_grant(case, collector, other_supervisor):
    with pytest.raises(PermissionDenied):
        grant(case, collector, other_supervisor)
    assert not ComplianceOverride.objects.exists()


def test_a_collector_may_not_grant_themself_an_override(case, collector):
    with pytest.raises(PermissionDenied):
        grant(case, collector, collector)


# --- Violations --------------------------------------------------------------------------


def test_a_supervisor_confirms_a_violation_on_a_call_with_history(case, collector, supervisor):
    call = make_call(case, collector)
    violation = compliance_violation_confirm(
        case=case,
        collector=collector,
        call=call,
        rule="contact_window",
        occurred_at=call.started_at,
        description="Called the debtor at 23:05.",
        actor=supervisor,
    )
    violation.refresh_from_db()
    assert violation.confirmed_by == supervisor
    assert violation.call == call
    assert violation.history.get().history_user == supervisor


def test_a_violation_needs_a_description_a_known_rule_and_a_past_time(case, collector, supervisor):
    with pytest.raises(ValidationError) as caught:
        compliance_violation_confirm(
            case=case,
            collector=collector,
            rule="made_up",
            occurred_at=timezone.now() + dt.timedelta(hours=1),
            description="",
            actor=supervisor,
        )
    assert set(caught.value.message_dict) == {"rule", "occurred_at", "description"}
    assert not ComplianceViolation.objects.exists()


def test_a_violation_names_someone_who_worked_the_case(case, other_collector, supervisor):
    with pytest.raises(ValidationError) as caught:
        compliance_violation_confirm(
            case=case,
            collector=other_collector,
            rule="other",
            occurred_at=timezone.now(),
            description="Rude to the debtor.",
            actor=supervisor,
        )
    assert "collector" in caught.value.message_dict


def test_a_violation_on_another_collectors_call_is_refused(
    case, collector, other_collector, supervisor
):
    call = make_call(case, other_collector)  # a former collector's call
    with pytest.raises(ValidationError) as caught:
        compliance_violation_confirm(
            case=case,
            collector=collector,
            call=call,
            rule="other",
            occurred_at=timezone.now(),
            description="Rude.",
            actor=supervisor,
        )
    assert "call" in caught.value.message_dict


# --- Rule sets ---------------------------------------------------------------------------


@pytest.fixture
def hq_admin(hq):
    return make_staff(roles.ADMIN_STAFF, branch=hq, username="admin.hq")


def test_swapping_the_company_rule_set_keeps_exactly_one(hq_admin):
    china = ComplianceRuleSet.objects.get(code="cn-2026")
    us = ComplianceRuleSet.objects.get(code="us-reg-f")
    assert china.is_company_default

    compliance_rule_set_make_company_default(rule_set=us, actor=hq_admin)

    assert list(
        ComplianceRuleSet.objects.filter(is_company_default=True).values_list("code", flat=True)
    ) == ["us-reg-f"]
    assert china.history.latest().history_user == hq_admin
    assert us.history.latest().history_user == hq_admin
    # And back again.
    compliance_rule_set_make_company_default(rule_set=china, actor=hq_admin)
    assert ComplianceRuleSet.objects.filter(is_company_default=True).get().code == "cn-2026"


def test_only_hq_admin_staff_choose_the_company_rule_set(branch_a, supervisor):
    branch_admin = make_staff(roles.ADMIN_STAFF, branch=branch_a)
    us = ComplianceRuleSet.objects.get(code="us-reg-f")
    for person in (branch_admin, supervisor):
        with pytest.raises(PermissionDenied):
            compliance_rule_set_make_company_default(rule_set=us, actor=person)
    assert ComplianceRuleSet.objects.get(is_company_default=True).code == "cn-2026"


def _china_call_rules():
    return ComplianceChannelRules.objects.get(rule_set__code="cn-2026", channel="call")


def test_hq_admin_changes_a_limit_with_history(hq_admin):
    row = compliance_channel_rules_update(
        channel_rules=_china_call_rules(),
        actor=hq_admin,
        window_end=dt.time(21, 0),
        max_unanswered_per_point_per_day=5,
    )
    row.refresh_from_db()
    assert row.window_end == dt.time(21, 0)
    assert row.max_unanswered_per_point_per_day == 5
    assert row.history.latest().history_user == hq_admin


def test_a_window_ending_before_it_starts_is_an_error_on_the_field(hq_admin):
    with pytest.raises(ValidationError) as caught:
        compliance_channel_rules_update(
            channel_rules=_china_call_rules(), actor=hq_admin, window_end=dt.time(7, 0)
        )
    assert "window_end" in caught.value.message_dict
    assert _china_call_rules().window_end == dt.time(22, 0)


def test_third_parties_when_unreachable_needs_n_and_m(hq_admin):
    with pytest.raises(ValidationError) as caught:
        compliance_channel_rules_update(
            channel_rules=_china_call_rules(),
            actor=hq_admin,
            unreachable_after_failed_attempts=None,
            unreachable_within_days=0,
        )
    assert {"unreachable_after_failed_attempts", "unreachable_within_days"} <= set(
        caught.value.message_dict
    )
    assert _china_call_rules().unreachable_after_failed_attempts == 6


def test_a_supervisor_may_not_change_rules(supervisor):
    with pytest.raises(PermissionDenied):
        compliance_channel_rules_update(
            channel_rules=_china_call_rules(), actor=supervisor, window_end=dt.time(23, 0)
        )
