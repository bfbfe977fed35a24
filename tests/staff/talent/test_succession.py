"""Key posts with successors, and the handover of a person who leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staff.models import Handover, HandoverItem, KeyPost, Successor
from staff.succession import services
from staff.succession.selectors import handover_list, key_post_list

pytestmark = pytest.mark.django_db


def test_a_key_post_keeps_a_reserve_of_successors(org):
    post = services.key_post_save(
        actor=org.hr,
        branch=org.branch,
        title="Team supervisor",
        holder=org.supervisor.staff_profile,
    )
    services.successor_add(
        actor=org.hr, post=post, profile=org.colleague.staff_profile, readiness="ready_now"
    )
    with pytest.raises(ValidationError) as caught:
        services.successor_add(
            actor=org.hr, post=post, profile=org.supervisor.staff_profile, readiness="ready_now"
        )
    assert "profile" in caught.value.message_dict
    assert list(key_post_list(user=org.manager)) == [post]
    assert list(key_post_list(user=org.supervisor)) == []
    assert list(key_post_list(user=org.other_hr)) == []
    with pytest.raises(PermissionDenied):
        services.key_post_save(actor=org.supervisor, branch=org.branch, title="x")
    assert Successor.objects.get().readiness == "ready_now"


def open_handover(org) -> Handover:
    return services.handover_open(
        actor=org.hr,
        leaver=org.collector.staff_profile,
        successor=org.colleague.staff_profile,
        supervisor=org.supervisor,
        leaving_on=dt.date(2026, 12, 31),
    )


def test_a_handover_completes_when_successor_and_supervisor_confirm_every_item(org):
    handover = open_handover(org)
    kinds = set(handover.items.values_list("kind", flat=True))
    assert kinds == {"cases", "documents", "knowledge", "tasks"}
    for item in handover.items.all():
        services.handover_item_confirm(actor=org.colleague, item=item)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.OPEN  # the supervisor has not confirmed yet
    for item in handover.items.all():
        services.handover_item_confirm(actor=org.supervisor, item=item)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED and handover.completed_at


def test_only_the_successor_and_the_supervisor_confirm_and_each_once(org):
    item = open_handover(org).items.first()
    for outsider in (org.collector, org.hr, org.manager):
        with pytest.raises(PermissionDenied):
            services.handover_item_confirm(actor=outsider, item=item)
    services.handover_item_confirm(actor=org.colleague, item=item)
    with pytest.raises(ValidationError):
        services.handover_item_confirm(actor=org.colleague, item=item)


def test_a_handover_to_oneself_or_a_second_open_one_is_refused(org):
    with pytest.raises(ValidationError) as caught:
        services.handover_open(
            actor=org.hr,
            leaver=org.collector.staff_profile,
            successor=org.collector.staff_profile,
            supervisor=org.supervisor,
            leaving_on=dt.date(2026, 12, 31),
        )
    assert "successor" in caught.value.message_dict
    open_handover(org)
    with pytest.raises(ValidationError) as caught:
        open_handover(org)
    assert "leaver" in caught.value.message_dict
    assert Handover.objects.count() == 1 and HandoverItem.objects.count() == 4


def test_the_cases_item_links_to_the_workflows_handover_page_when_there_is_one(org):
    url = services.cases_handover_url(org.collector.staff_profile)
    assert url == "" or str(org.collector.pk) in url


def test_a_handover_is_seen_by_its_people_and_hr_not_by_colleagues(org):
    handover = open_handover(org)
    for user in (org.hr, org.manager, org.supervisor, org.colleague, org.collector):
        assert list(handover_list(user=user)) == [handover]
    for user in (org.desk, org.other_hr, org.head):
        assert list(handover_list(user=user)) == []
    assert KeyPost.objects.count() == 0
