"""The one way of approving: asking, deciding, the maker-checker rule, races, scoping and
the page. A test kind is registered on a department (any model would do)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse

from staff import roles
from staff.approvals import _KINDS as KINDS
from staff.approvals import ApprovalKind, approval_kinds, register_approval_kind
from staff.models import ApprovalRequest, Department, Notification
from staff.selectors_approvals import approvals_pending_for, latest_approval
from staff.services_approvals import approval_decide, approval_request, approval_withdraw
from tests.factories import BranchFactory, DepartmentFactory, hq_branch, make_staff
from tests.landing import landing_html

pytestmark = pytest.mark.django_db

DECISIONS: list[tuple[int, bool]] = []


def _record(approval, approved):
    DECISIONS.append((approval.object_id, approved))
    department = Department.objects.get(pk=approval.object_id)
    department.name = f"{department.name} ({'approved' if approved else 'returned'})"
    department.save()


def _refuse_everything(approval, approved):
    # The area's own rule fails after the decision row was written: nothing may stay.
    Department.objects.filter(pk=approval.object_id).update(name="half-written")
    raise ValidationError("The plan's cases are no longer on the list.")


@pytest.fixture(autouse=True)
def test_kinds():
    saved = dict(KINDS)
    DECISIONS.clear()
    register_approval_kind(
        ApprovalKind(
            key="test.department",
            label="Department change",
            approver_roles=(roles.SUPERVISOR,),
            on_decided=_record,
            subject_url=lambda department: f"/departments/{department.pk}/",
        )
    )
    register_approval_kind(
        ApprovalKind(
            key="test.refusing",
            label="Refusing",
            approver_roles=(roles.SUPERVISOR,),
            on_decided=_refuse_everything,
        )
    )
    register_approval_kind(
        ApprovalKind(
            key="test.hr_only",
            label="HR only",
            approver_roles=(roles.HR, roles.SUPERVISOR),
            on_decided=_record,
            refuse_decider=lambda approval, user: (
                None
                if user.groups.filter(name=roles.HR).exists()
                else "Only HR decides long leave."
            ),
        )
    )
    yield
    KINDS.clear()
    KINDS.update(saved)


@pytest.fixture
def world():
    branch = BranchFactory()
    other_branch = BranchFactory()
    return {
        "branch": branch,
        "collector": make_staff(roles.PHONE_COLLECTOR, branch=branch),
        "supervisor": make_staff(roles.SUPERVISOR, branch=branch),
        "supervisor_2": make_staff(roles.SUPERVISOR, branch=branch),
        "other_supervisor": make_staff(roles.SUPERVISOR, branch=other_branch),
        "hq_supervisor": make_staff(roles.SUPERVISOR, branch=hq_branch()),
        "subject": DepartmentFactory(branch=branch, name="Team"),
    }


def _ask(world, kind="test.department", by=None):
    return approval_request(
        kind=kind,
        subject=world["subject"],
        branch=world["branch"],
        requested_by=by or world["collector"],
        summary="Move the team",
    )


def test_an_approval_moves_the_subject_and_tells_the_requester(world):
    request = _ask(world)
    # The branch's deciders are told in-app; the requester is not one of them.
    told = set(
        Notification.objects.filter(title__contains="Waiting").values_list("recipient", flat=True)
    )
    assert told == {world["supervisor"].pk, world["supervisor_2"].pk}

    decided = approval_decide(
        approval=request, user=world["supervisor"], approve=True, comment="Fine"
    )

    assert decided.status == ApprovalRequest.Status.APPROVED
    assert decided.decided_by == world["supervisor"] and decided.decided_at is not None
    assert [(world["subject"].pk, True)] == DECISIONS
    assert Department.objects.get(pk=world["subject"].pk).name == "Team (approved)"
    note = Notification.objects.get(recipient=world["collector"])
    assert "Approved" in note.title and "Fine" in note.body
    assert note.url == f"/departments/{world['subject'].pk}/"
    assert latest_approval(world["subject"], "test.department") == decided
    # Each change is in history: asked, then decided.
    assert [h.status for h in decided.history.order_by("history_date")] == ["pending", "approved"]


def test_returning_needs_a_reason(world):
    request = _ask(world)
    with pytest.raises(ValidationError) as refusal:
        approval_decide(approval=request, user=world["supervisor"], approve=False, comment="  ")
    assert "comment" in refusal.value.error_dict
    approval_decide(approval=request, user=world["supervisor"], approve=False, comment="Too soon")
    request.refresh_from_db()
    assert request.status == "returned" and [(world["subject"].pk, False)] == DECISIONS


def test_nobody_approves_their_own_request(world):
    request = _ask(world, by=world["supervisor"])
    with pytest.raises(ValidationError, match="own request"):
        approval_decide(approval=request, user=world["supervisor"], approve=True)
    request.refresh_from_db()
    assert request.status == "pending" and DECISIONS == []
    # Not even in the list of what waits for them.
    assert not approvals_pending_for(world["supervisor"]).exists()
    assert list(approvals_pending_for(world["supervisor_2"])) == [request]


def test_the_schema_refuses_a_self_decision_too(world):
    request = _ask(world, by=world["supervisor"])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=request.pk).update(
            status="approved", decided_by=world["supervisor"], decided_at=request.requested_at
        )


def test_deciding_twice_is_refused(world):
    request = _ask(world)
    approval_decide(approval=request, user=world["supervisor"], approve=True)
    with pytest.raises(ValidationError, match="already been decided"):
        approval_decide(approval=request, user=world["supervisor_2"], approve=False, comment="No")
    assert [(world["subject"].pk, True)] == DECISIONS


def test_asking_again_while_one_waits_is_refused(world):
    _ask(world)
    with pytest.raises(ValidationError, match="already waiting"):
        _ask(world)
    assert ApprovalRequest.objects.count() == 1


def test_a_summary_is_required(world):
    with pytest.raises(ValidationError) as refusal:
        approval_request(
            kind="test.department",
            subject=world["subject"],
            branch=world["branch"],
            requested_by=world["collector"],
            summary=" ",
        )
    assert "summary" in refusal.value.error_dict
    assert not ApprovalRequest.objects.exists()


def test_a_refusing_area_leaves_nothing_half_written(world):
    request = _ask(world, kind="test.refusing")
    with pytest.raises(ValidationError, match="no longer on the list"):
        approval_decide(approval=request, user=world["supervisor"], approve=True)
    request.refresh_from_db()
    assert request.status == "pending" and request.decided_by is None
    assert Department.objects.get(pk=world["subject"].pk).name == "Team"
    assert not Notification.objects.filter(recipient=world["collector"]).exists()


def test_an_area_rule_on_who_decides(world):
    request = _ask(world, kind="test.hr_only")
    with pytest.raises(ValidationError, match="Only HR"):
        approval_decide(approval=request, user=world["supervisor"], approve=True)
    hr = make_staff(roles.HR, branch=world["branch"])
    approval_decide(approval=request, user=hr, approve=True)
    assert [(world["subject"].pk, True)] == DECISIONS


def test_other_branches_and_other_roles_cannot_see_it(world):
    request = _ask(world)
    for outsider in (
        world["other_supervisor"],
        make_staff(roles.PHONE_COLLECTOR, branch=world["branch"]),
    ):
        with pytest.raises(Http404):
            approval_decide(approval=request, user=outsider, approve=True)
        assert not ApprovalRequest.objects.visible_to(outsider).exists()
    # Headquarters decides in every branch.
    assert list(approvals_pending_for(world["hq_supervisor"])) == [request]
    approval_decide(approval=request, user=world["hq_supervisor"], approve=True)
    # The requester still sees their own request.
    assert list(ApprovalRequest.objects.visible_to(world["collector"])) == [request]


def test_withdrawing(world):
    request = _ask(world)
    with pytest.raises(Http404):
        approval_withdraw(approval=request, user=world["supervisor"])
    approval_withdraw(approval=request, user=world["collector"])
    request.refresh_from_db()
    assert request.status == "withdrawn"
    with pytest.raises(ValidationError):
        approval_decide(approval=request, user=world["supervisor"], approve=True)
    # Once withdrawn, the same thing may be asked about again.
    assert _ask(world).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_the_same_moment_one_wins(world):
    """Two database connections: the row lock makes the second see the first's decision."""
    request = _ask(world)
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def decide(name, user, approve):
        try:
            barrier.wait(timeout=10)
            approval_decide(approval=request.pk, user=user, approve=approve, comment="x")
            outcomes[name] = "decided"
        except ValidationError as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("a", world["supervisor"], True)),
        threading.Thread(target=decide, args=("b", world["supervisor_2"], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(outcomes.values()).count("decided") == 1
    assert any("already been decided" in outcome for outcome in outcomes.values())
    assert len(DECISIONS) == 1


def test_the_page_lists_and_decides(client, world):
    request = _ask(world)
    client.force_login(world["supervisor"])
    page = client.get(reverse("staff:approvals"))
    assert page.status_code == 200
    assert b"Move the team" in page.content and b"Department change" in page.content

    refused = client.post(
        reverse("staff:approval_decide", args=[request.pk]),
        {"decision": "return", "comment": ""},
        follow=True,
    )
    assert "Say why the request is returned." in refused.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"

    client.post(reverse("staff:approval_decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved"
    assert b"Nothing is waiting" in client.get(reverse("staff:approvals")).content

    # The requester sees the outcome under "my requests".
    client.force_login(world["collector"])
    mine = client.get(reverse("staff:approvals"))
    assert b"Move the team" in mine.content and b"Approved" in mine.content


def test_a_requester_sees_their_request_while_it_still_waits(client, world):
    # Nobody has decided yet: the "decided by" column reads a dash (it was a 500).
    _ask(world)
    client.force_login(world["collector"])
    mine = client.get(reverse("staff:approvals"), {"show": "mine"})
    assert mine.status_code == 200
    assert b"Move the team" in mine.content and b"Waiting for a decision" in mine.content


def test_another_branchs_request_is_a_404_on_the_page(client, world):
    request = _ask(world)
    client.force_login(world["other_supervisor"])
    response = client.post(
        reverse("staff:approval_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_the_dashboard_shows_what_waits(client, world):
    _ask(world)
    client.force_login(world["supervisor"])
    assert "Waiting for your approval" in landing_html(client)
    client.force_login(world["collector"])
    assert "Waiting for your approval" not in landing_html(client)


def test_every_registered_kind_is_complete():
    for key, kind in approval_kinds().items():
        assert kind.key == key and kind.approver_roles and callable(kind.on_decided)
    assert mail.outbox == []
