"""A payment plan outside the agreement's terms goes through the shared approvals: nobody
approves their own, approving twice is refused, approval starts the instalments, returning
rejects the plan, cancelling a waiting plan takes it off the approvers' list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases.models import PaymentPlan
from cases.services.plan_approval import KIND, plan_approval
from cases.services.promises import plan_cancel, plan_propose
from staff.models import ApprovalRequest
from staff.selectors_approvals import approvals_pending_for
from staff.services_approvals import approval_decide

from .conftest import TODAY


@pytest.fixture
def outside_terms(case_a):
    case_a.agreement.plan_max_instalments = 2
    case_a.agreement.save()

    def propose(actor):
        return plan_propose(
            case=case_a,
            actor=actor,
            total_amount="900",
            instalments=[("300", TODAY + dt.timedelta(days=30 * n)) for n in range(3)],
            reason="Three months is what he can pay.",
        )

    return propose


def test_plan_outside_terms_waits_in_the_supervisors_list(
    at_today, outside_terms, collector_a, supervisor_a, supervisor_b
):
    plan = outside_terms(collector_a)
    approval = plan_approval(plan)
    assert approval.kind == KIND and approval.status == ApprovalRequest.Status.PENDING
    assert list(approvals_pending_for(supervisor_a)) == [approval]
    assert not approvals_pending_for(supervisor_b).exists()
    assert approval.subject_url == f"/cases/plans/{plan.pk}/"


def test_approval_starts_the_instalments_and_twice_is_refused(
    at_today, outside_terms, collector_a, supervisor_a
):
    plan = outside_terms(collector_a)
    approval_decide(approval=plan_approval(plan), user=supervisor_a, approve=True)
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.ACTIVE
    assert plan.instalments.filter(status="open").count() == 3
    with pytest.raises(ValidationError):
        approval_decide(approval=plan_approval(plan), user=supervisor_a, approve=True)
    assert plan.instalments.count() == 3


def test_nobody_approves_their_own_plan(at_today, outside_terms, supervisor_a):
    plan = outside_terms(supervisor_a)
    with pytest.raises(ValidationError) as excinfo:
        approval_decide(approval=plan_approval(plan), user=supervisor_a, approve=True)
    assert "own request" in str(excinfo.value)
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.PENDING_APPROVAL
    assert not plan.instalments.exists()


def test_a_collector_cannot_approve(at_today, outside_terms, collector_a, collector_a2):
    plan = outside_terms(collector_a)
    with pytest.raises(Exception):  # noqa: B017 - 404 or refusal: either way, no decision
        approval_decide(approval=plan_approval(plan), user=collector_a2, approve=True)
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.PENDING_APPROVAL


def test_returned_plan_is_rejected(at_today, outside_terms, collector_a, supervisor_a):
    plan = outside_terms(collector_a)
    approval_decide(
        approval=plan_approval(plan), user=supervisor_a, approve=False, comment="Ask for 30 %"
    )
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.REJECTED
    assert not plan.instalments.exists()


def test_cancelling_a_waiting_plan_withdraws_its_request(
    at_today, outside_terms, collector_a, supervisor_a
):
    plan = outside_terms(collector_a)
    plan_cancel(plan=plan, actor=collector_a, reason="Debtor paid in full instead")
    assert plan_approval(plan).status == ApprovalRequest.Status.WITHDRAWN
    assert not approvals_pending_for(supervisor_a).exists()


def test_approval_page_lists_the_plan(at_today, client, outside_terms, collector_a, supervisor_a):
    plan = outside_terms(collector_a)
    client.force_login(supervisor_a)
    page = client.get("/staff/approvals/")
    assert page.status_code == 200
    assert plan.case.account_no in page.content.decode()


def test_the_unmet_terms_are_stored_in_english_and_read_in_the_readers_language(
    at_today, outside_terms, collector_a, supervisor_a, client
):
    with translation.override("en"):  # the collector works in English
        plan = outside_terms(collector_a)
    assert plan.terms_breached == "3 instalments: the agreement allows at most 2."
    supervisor_a.staff_profile.language = "zh-hans"
    supervisor_a.staff_profile.save()
    client.force_login(supervisor_a)

    detail = client.get(f"/cases/plans/{plan.pk}/").content.decode()
    approvals = client.get(reverse("staff:approvals")).content.decode()

    assert "3 期：协议最多允许 2 期。" in detail
    assert "900.00，分 3 期，超出协议条件：" in approvals
    assert "3 期：协议最多允许 2 期。" in approvals
    assert "the agreement allows" not in detail + approvals
    assert "outside the terms" not in approvals
