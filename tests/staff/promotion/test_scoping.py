"""Who sees an application: the applicant their own; reviewers what is assigned to them;
HR their branch (HQ HR all); the notice board everyone; another branch's is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from staff import roles
from staff.models import LevelChange, Position, PromotionApplication
from staff.promotion import committee, services
from staff.promotion.setup import level_correct
from tests.factories import make_staff

from .conftest import submit

pytestmark = pytest.mark.django_db


def visible(user):
    return set(PromotionApplication.objects.visible_to(user))


def test_each_person_sees_what_is_theirs_or_assigned(people, cycle, branch_a, hq):
    mine = submit(cycle, people["applicant"])
    colleagues = submit(cycle, people["colleague"])
    other_head = make_staff(roles.DEPARTMENT_HEAD, branch=branch_a, username="head.other")
    outsider_member = make_staff(roles.COMMITTEE, branch=hq, username="cm.other")

    assert visible(people["applicant"]) == {mine}
    assert visible(people["colleague"]) == {colleagues}
    assert visible(people["head"]) == {mine, colleagues}  # their department's head
    assert visible(other_head) == set()  # a head, but not assigned
    assert visible(people["hr"]) == {mine, colleagues}
    assert visible(people["hq_hr"]) == {mine, colleagues}
    assert visible(people["hr_b"]) == set()
    assert visible(people["head_b"]) == set()
    # Committee members see an application once it reaches them, and only their cycle's.
    assert visible(people["members"][0]) == set()
    services.department_review(
        application=mine, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=mine, actor=people["hr"], recommend=True, evaluation="ok")
    assert visible(people["members"][0]) == {mine}
    assert visible(outsider_member) == set()


def test_pages_answer_404_for_what_a_person_may_not_see(client, people, cycle):
    application = submit(cycle, people["applicant"])
    url = reverse("promotion:application", args=[application.pk])
    for name in ("colleague", "hr_b", "head_b"):
        client.force_login(people[name])
        assert client.get(url).status_code == 404, name
    for name in ("applicant", "head", "hr", "hq_hr"):
        client.force_login(people[name])
        assert client.get(url).status_code == 200, name
    client.force_login(people["hr_b"])
    assert (
        client.post(
            reverse("promotion:hr_review", args=[application.pk]),
            {"recommend": "yes", "evaluation": "sneaky"},
        ).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.status == PromotionApplication.Status.DEPARTMENT_REVIEW


def test_the_notice_board_is_for_everyone(client, people, cycle, branch_b):
    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=application, actor=people["hr"], recommend=True, evaluation="ok")
    for member in people["members"][:2]:
        committee.committee_vote(application=application, actor=member, choice="for")
    committee.committee_decide(application=application, actor=people["members"][0])
    desk_b = make_staff(roles.FRONT_DESK, branch=branch_b, username="desk.b")
    client.force_login(desk_b)
    assert client.get(reverse("promotion:notice", args=[application.pk])).status_code == 200
    # What is not on notice is not on the board.
    other = submit(cycle, people["colleague"])
    assert client.get(reverse("promotion:notice", args=[other.pk])).status_code == 404


def test_level_history_is_the_persons_and_their_branch_hrs(people, branch_b):
    change = level_correct(
        actor=people["hr"],
        person=people["colleague"],
        to_position=Position.MID_COLLECTOR,
        effective_on=services.today(),
        note="transfer",
    )
    assert change in LevelChange.objects.visible_to(people["colleague"])
    assert change in LevelChange.objects.visible_to(people["hq_hr"])
    assert change not in LevelChange.objects.visible_to(people["applicant"])
    assert change not in LevelChange.objects.visible_to(people["hr_b"])


def test_hr_of_another_branch_cannot_correct_a_level(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="your branch"):
        level_correct(
            actor=people["hr_b"],
            person=people["colleague"],
            to_position=Position.MID_COLLECTOR,
            effective_on=services.today(),
            note="x",
        )


def test_evidence_downloads_for_who_sees_the_application_only(client, people, cycle):
    from .conftest import pdf

    application = submit(cycle, people["applicant"], files=[pdf("award.pdf")])
    evidence = application.evidence.get()
    url = reverse("promotion:evidence", args=[application.pk, evidence.pk])
    client.force_login(people["head"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "award.pdf" in response["Content-Disposition"]
    client.force_login(people["colleague"])
    assert client.get(url).status_code == 404
