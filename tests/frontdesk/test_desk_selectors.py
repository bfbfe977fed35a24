"""The front desk's other selectors, branch by branch: single rows, buildings, expected
visitors, returning visitors, people and departments to choose, messages and steps waiting
for someone, scans. Exact sets and orders, a row of another branch in each, and the related
rows a page reads loaded with the list (no query per row) - see test_list_filters.py for
the register pages' search and filters (issue 14's mutation run).
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.http import Http404
from django.utils import timezone

from frontdesk import selectors
from frontdesk.models import Document, DocumentAttachment, RoutingStep, Visit
from staff import roles
from tests.factories import DepartmentFactory, UserFactory

from .test_list_filters import DAY, ONE_DAY, add_document, add_message, add_visit, local, pks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("company_time")]


def expect_visit(desk, host, moment, **fields) -> Visit:
    return add_visit(
        desk, host, status=Visit.Status.EXPECTED, arrived_at=None, expected_at=moment, **fields
    )


# --- One row, or a logged 404 -------------------------------------------------------------


def test_single_rows_are_found_by_pk_in_scope_and_a_miss_names_the_user(desk, host, desk_b, caplog):
    visits = [add_visit(desk, host), add_visit(desk, host)]
    messages = [add_message(desk, recipient=host), add_message(desk, recipient=host)]
    documents = [add_document(desk, "FD-1"), add_document(desk, "FD-2")]
    scans = [add_scan(documents[0], desk, "a"), add_scan(documents[0], desk, "b")]
    getters = [
        (selectors.visit_get, visits, add_visit(desk_b, desk_b)),
        (selectors.message_get, messages, add_message(desk_b, recipient=desk_b)),
        (selectors.document_get, documents, add_document(desk_b, "FD-B-1")),
    ]
    for get, rows, foreign in getters:
        for row in rows:
            assert get(user=desk, pk=row.pk) == row
        caplog.clear()
        with (
            caplog.at_level(logging.WARNING, logger="collections_office.access"),
            pytest.raises(Http404),
        ):
            get(user=desk, pk=foreign.pk)
        assert [record.user_id for record in caplog.records] == [desk.pk]

    for scan in scans:
        assert selectors.attachment_get(user=desk, document=documents[0], pk=scan.pk) == scan
    void_scan(scans[1], desk)
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="collections_office.access"),
        pytest.raises(Http404),
    ):
        selectors.attachment_get(user=desk, document=documents[0], pk=scans[1].pk)
    assert [record.user_id for record in caplog.records] == [desk.pk]


# --- Buildings ----------------------------------------------------------------------------


def test_buildings_own_first_then_the_others_for_hq(desk, hq_desk, branch_a, branch_b, hq):
    assert selectors.buildings(user=desk) == [branch_a]
    assert selectors.buildings(user=hq_desk) == [hq, branch_a, branch_b]
    superuser = UserFactory(username="root", is_superuser=True)  # every branch, none its own
    assert selectors.buildings(user=superuser) == [hq, branch_a, branch_b]
    nobody = UserFactory(username="no.profile")
    assert selectors.buildings(user=nobody) == []

    assert selectors.building_of(user=hq_desk, branch_id=branch_b.pk) == branch_b
    assert selectors.building_of(user=hq_desk, branch_id=None) == hq
    assert selectors.building_of(user=hq_desk) == hq
    assert selectors.building_of(user=desk, branch_id=branch_b.pk) == branch_a  # not theirs
    assert selectors.building_of(user=superuser, branch_id=branch_a.pk) == branch_a
    assert selectors.building_of(user=superuser) == hq
    assert selectors.building_of(user=nobody, branch_id=branch_a.pk) is None


def test_visits_in_building_are_on_site_there_longest_first(desk, host, hq_desk, desk_b):
    last = add_visit(desk, host, arrived_at=local(DAY, 11, 30))  # written first, came last
    first = add_visit(desk, host, arrived_at=local(DAY, 9))
    # Two arrivals at the same minute, the higher pk written first: the pk breaks the tie.
    same_time = add_visit(desk, host, arrived_at=local(DAY, 11), pk=first.pk + 200)
    later = add_visit(desk, host, arrived_at=local(DAY, 11), pk=first.pk + 100)
    add_visit(desk, host, status="left", arrived_at=local(DAY, 8), departed_at=local(DAY, 9))
    expect_visit(desk, host, local(DAY, 8))
    in_b = add_visit(desk_b, desk_b, arrived_at=local(DAY, 7))

    expected = [first, later, same_time, last]
    assert list(selectors.visits_in_building(user=desk)) == expected
    assert list(selectors.visits_in_building(user=desk, branch=desk_b.staff_profile.branch)) == []
    assert list(selectors.visits_in_building(user=hq_desk, branch=in_b.branch)) == [in_b]
    assert list(selectors.visits_in_building(user=hq_desk)) == []  # HQ's own building


def test_visits_expected_of_one_building_and_day_in_expected_order(
    desk, host, hq_desk, desk_b, branch_a, branch_b
):
    late = expect_visit(desk, host, local(DAY, 15))
    early = expect_visit(desk, host, local(DAY, 9))
    tomorrow = expect_visit(desk, host, local(DAY + ONE_DAY, 9))
    add_visit(desk, host, expected_at=local(DAY, 9))  # arrived already
    in_b = expect_visit(desk_b, desk_b, local(DAY, 10))
    # Two visitors expected at the same minute: the earlier registered first, whatever the
    # order the rows come back in (the one with the higher pk is written first).
    start = max(late.pk, early.pk, tomorrow.pk, in_b.pk)
    tie_second = expect_visit(desk, host, local(DAY, 12), pk=start + 200)
    tie_first = expect_visit(desk, host, local(DAY, 12), pk=start + 100)

    assert list(selectors.visits_expected(user=desk, day=DAY)) == [
        early,
        tie_first,
        tie_second,
        late,
    ]
    everything = [early, tie_first, tie_second, late, tomorrow]
    assert list(selectors.visits_expected(user=desk)) == everything
    assert list(selectors.visits_expected(user=desk, branch=branch_a)) == everything
    assert list(selectors.visits_expected(user=hq_desk, branch=branch_b)) == [in_b]
    assert list(selectors.visits_expected(user=hq_desk, branch=branch_a)) == everything
    assert list(selectors.visits_expected(user=hq_desk)) == []  # HQ's own building
    # A branch the user does not see gives nothing, not the other branch's visitors.
    assert list(selectors.visits_expected(user=desk, branch=branch_b)) == []


# --- Returning visitors -------------------------------------------------------------------


def test_returning_visitors_name_and_phone_conditions_add_up(desk, host, desk_b):
    by_phone = add_visit(desk, host, visitor_name="Wang Fang", phone="+8613812345678")
    digits_in_name = add_visit(desk, host, visitor_name="Courier 13812345678")
    ending_in_name = add_visit(desk, host, visitor_name="Room 5678 guest")
    add_visit(desk_b, desk_b, visitor_name="Wang Fang", phone="+8613812345678")

    def found(query):
        return pks(selectors.returning_visitors(user=desk, query=query))

    # A full number: the visits with that number, and names containing what was typed.
    assert found("13812345678") == {by_phone.pk, digits_in_name.pk}
    assert found("138 1234 5678") == {by_phone.pk}
    # An ending (4+ digits): the numbers ending so, and names containing it.
    assert found("5678") == {by_phone.pk, digits_in_name.pk, ending_in_name.pk}
    assert found("56 78") == {by_phone.pk}
    assert found("Wang") == {by_phone.pk}


def test_returning_visitors_short_or_empty_query_finds_nothing(desk, host):
    add_visit(desk, host, visitor_name="XXXX Placeholder")
    add_visit(desk, host, visitor_name="Ab")
    for query in ("", None, " ", "a", " b "):
        assert selectors.returning_visitors(user=desk, query=query) == []
    assert len(selectors.returning_visitors(user=desk, query="xxxx")) == 1


def test_returning_visitors_newest_registration_first_and_the_pk_breaks_ties(desk, host):
    # Created first but registered last: the registration time decides, not the pk.
    latest = add_visit(desk, host, visitor_name="Guest Zero")
    older = add_visit(desk, host, visitor_name="Guest One")
    newer = add_visit(desk, host, visitor_name="Guest Two")
    newest = add_visit(desk, host, visitor_name="Guest Three")
    Visit.objects.filter(pk=newest.pk).update(registered_at=local(DAY, 12))
    Visit.objects.filter(pk__in=[older.pk, newer.pk]).update(registered_at=local(DAY, 9))
    Visit.objects.filter(pk=latest.pk).update(registered_at=local(DAY, 13))

    found = selectors.returning_visitors(user=desk, query="guest")
    assert found == [latest, newest, newer, older]


def test_returning_visitors_one_per_person_and_only_the_latest_hundred_visits(desk, host):
    # "Strauß" and "STRAUSS" are two people to lower() (upper() would make them one).
    strauss = add_visit(desk, host, visitor_name="Strauß", phone="+8613812345678")
    strauss_caps = add_visit(desk, host, visitor_name="STRAUSS", phone="+8613812345678")
    assert selectors.returning_visitors(user=desk, query="stra") == [strauss_caps, strauss]

    regulars = Visit.objects.bulk_create(
        [
            Visit(
                branch=desk.staff_profile.branch,
                visitor_name="Regular Li" if n == 0 else "Regular",
                purpose="Meeting",
                host=host,
                registered_by=desk,
                arrived_at=local(DAY, 9),
                phone="+8613900001111",
            )
            for n in range(101)
        ]
    )
    Visit.objects.filter(pk=regulars[0].pk).update(registered_at=local(DAY - ONE_DAY, 9))
    # 100 visits of one regular, and an older visit of another person beyond them.
    found = selectors.returning_visitors(user=desk, query="regular")
    assert [visit.visitor_name for visit in found] == ["Regular"]


# --- People and departments ---------------------------------------------------------------


def named(user, last: str, first: str):
    user.last_name, user.first_name = last, first
    user.save()
    return user


def test_host_choices_own_building_first_then_hq_then_by_branch_and_name(
    staff_user, hq, branch_a, branch_b, django_assert_num_queries
):
    def person(username, branch, last, first, role=roles.PHONE_COLLECTOR):
        return named(staff_user(role, branch=branch, username=username), last, first)

    desk = person("desk.b", branch_b, "Ma", "Lin", roles.FRONT_DESK)
    hq_desk = person("desk.hq", hq, "Ding", "Hui", roles.FRONT_DESK)
    person("a.zhou", branch_a, "Zhou", "Bo")
    person("a.an", branch_a, "An", "Yi")
    person("a.an3", branch_a, "An", "Er")
    person("a.an2", branch_a, "An", "Er")
    person("hq.wu", hq, "Wu", "Li")
    person("b.xu", branch_b, "Xu", "Fei")
    gone = person("b.gone", branch_b, "Bai", "Qi")
    gone.is_active = False
    gone.save()
    # Sees every branch, works in Branch B: Branch B first, then HQ, then the rest.
    root = person("root.b", branch_b, "Yang", "Jie")
    root.is_superuser = True
    root.save()

    def usernames(user):
        return [person.username for person in selectors.host_choices(user=user)]

    branch_a_people = ["a.an2", "a.an3", "a.an", "a.zhou"]
    assert usernames(desk) == ["desk.b", "b.xu", "root.b"]
    assert usernames(hq_desk) == [
        "desk.hq",
        "hq.wu",
        *branch_a_people,
        "desk.b",
        "b.xu",
        "root.b",
    ]
    assert usernames(root) == ["desk.b", "b.xu", "root.b", "desk.hq", "hq.wu", *branch_a_people]
    # The forms group the people under their branch and show the department: no query each.
    with django_assert_num_queries(1):
        groups = [
            (person.staff_profile.branch.name, person.staff_profile.department.name)
            for person in selectors.host_choices(user=desk)
        ]
    assert groups == [("Branch B", "Collections")] * 3


def test_department_choices_in_scope_by_branch_then_name(
    staff_user, hq, branch_a, branch_b, django_assert_num_queries
):
    # Created out of order, so that neither the rows' order nor one key alone gives it.
    made = [DepartmentFactory(branch=branch_b, name=name) for name in ("Alpha", "Zeta", "Beta")] + [
        DepartmentFactory(branch=branch_a, name=name) for name in ("Zeta", "Alpha")
    ]
    hq_admin = staff_user(roles.ADMIN_STAFF, branch=hq, username="admin.hq")
    b_admin = staff_user(roles.ADMIN_STAFF, branch=branch_b, username="admin.b")
    made[1].head = b_admin
    made[1].save()

    def labels(user):
        with django_assert_num_queries(1):
            rows = list(selectors.department_choices(user=user))
            # The form's labels read the branch and the head: loaded with the list.
            return [(row.branch.name, row.name, row.head and row.head.username) for row in rows]

    hq_labels = labels(hq_admin)
    mine = [label for label in hq_labels if label[1] in ("Alpha", "Beta", "Zeta")]
    assert mine == [
        ("Branch A", "Alpha", None),
        ("Branch A", "Zeta", None),
        ("Branch B", "Alpha", None),
        ("Branch B", "Beta", None),
        ("Branch B", "Zeta", "admin.b"),
    ]
    assert hq_labels == sorted(hq_labels, key=lambda label: label[:2])
    assert {label[0] for label in labels(b_admin)} == {"Branch B"}


def test_department_of(desk):
    assert selectors.department_of(desk) == desk.staff_profile.department
    assert selectors.department_of(UserFactory(username="no.profile")) is None


# --- Messages waiting for someone ---------------------------------------------------------


def test_messages_for_me_open_own_and_headed_departments_without_a_person(
    desk, host, department_head, collections_a, branch_a, django_assert_num_queries
):
    headless = DepartmentFactory(branch=branch_a, name="Archive")
    to_head = add_message(desk, recipient=department_head)
    to_department = add_message(desk, recipient_department=collections_a)
    add_message(desk, recipient=host, recipient_department=collections_a)  # the host's
    add_message(desk, recipient_department=headless)
    add_message(desk, recipient=department_head, status="void", void_reason="Wrong number")
    add_message(
        desk,
        recipient=department_head,
        status="handled",
        handled_at=local(DAY, 11),
        handled_by=department_head,
    )
    assert pks(selectors.messages_for_me(user=department_head)) == {to_head.pk, to_department.pk}
    assert not selectors.messages_for_me(user=desk)

    with django_assert_num_queries(1):
        rows = list(selectors.messages_for_me(user=department_head))
        for row in rows:  # the dashboard's list reads these
            assert row.taken_by == desk
            assert (row.recipient, row.recipient_department) in (
                (department_head, None),
                (None, collections_a),
            )


def test_unhandled_threshold_defaults_to_two_hours(settings):
    settings.FRONTDESK_UNHANDLED_MESSAGE_MINUTES = 45
    assert selectors.unhandled_message_threshold() == dt.timedelta(minutes=45)
    del settings.FRONTDESK_UNHANDLED_MESSAGE_MINUTES
    assert selectors.unhandled_message_threshold() == dt.timedelta(minutes=120)


def test_messages_unhandled_too_long_are_open_older_than_the_threshold_oldest_first(
    desk, host, desk_b, settings, monkeypatch
):
    settings.FRONTDESK_UNHANDLED_MESSAGE_MINUTES = 30
    now = local(DAY, 12)
    older = add_message(desk, recipient=host, taken_at=now - dt.timedelta(minutes=90))
    old = add_message(desk, recipient=host, taken_at=now - dt.timedelta(minutes=31))
    add_message(desk, recipient=host, taken_at=now - dt.timedelta(minutes=30))  # on the edge
    add_message(desk, recipient=host, taken_at=now)
    add_message(
        desk,
        recipient=host,
        taken_at=now - dt.timedelta(hours=3),
        status="handled",
        handled_at=now,
        handled_by=host,
    )
    add_message(desk_b, recipient=desk_b, taken_at=now - dt.timedelta(hours=3))
    monkeypatch.setattr(timezone, "now", lambda: now)

    assert list(selectors.messages_unhandled_too_long(user=desk)) == [older, old]


# --- Scans, steps, and the lists' related rows ------------------------------------------


def add_scan(document, user, name: str) -> DocumentAttachment:
    return DocumentAttachment.objects.create(
        document=document,
        original_name=f"{name}.pdf",
        stored_name=f"{document.pk}-{name}",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )


def void_scan(scan, user) -> None:
    scan.voided_at, scan.voided_by, scan.void_reason = timezone.now(), user, "Wrong file"
    scan.save()


def test_scans_listed_and_voided_apart_with_who_did_it(desk, host, django_assert_num_queries):
    document = add_document(desk, "FD-1")
    kept = add_scan(document, desk, "kept")
    voided = add_scan(document, host, "voided")
    add_scan(add_document(desk, "FD-2"), desk, "other")
    void_scan(voided, desk)

    with django_assert_num_queries(2):
        listed = list(selectors.document_attachments(document=document))
        gone = list(selectors.document_attachments_voided(document=document))
        assert [(scan, scan.uploaded_by) for scan in listed] == [(kept, desk)]
        assert [(scan, scan.voided_by) for scan in gone] == [(voided, desk)]


def add_step(document, sequence, *, to, by, routed_at, signed=False) -> RoutingStep:
    return RoutingStep.objects.create(
        document=document,
        sequence=sequence,
        routed_by=by,
        routed_at=routed_at,
        recipient=to,
        sign_due_at=routed_at + dt.timedelta(days=1),
        signed_at=routed_at if signed else None,
        signed_by=to if signed else None,
    )


def test_current_step_is_the_last(desk, host, department_head):
    document = add_document(desk, "FD-1")
    assert selectors.current_step(document) is None
    add_step(document, 1, to=host, by=desk, routed_at=local(DAY, 9), signed=True)
    last = add_step(document, 2, to=department_head, by=host, routed_at=local(DAY, 10))
    assert selectors.current_step(document) == last


def test_steps_awaiting_signature_desk_sees_its_documents_others_their_own(
    desk, host, department_head, desk_b, django_assert_num_queries
):
    def document(number, desk=desk, status=Document.Status.ROUTED, **fields):
        return add_document(desk, number, status=status, **fields)

    late = add_step(document("FD-1"), 1, to=host, by=desk, routed_at=local(DAY, 11))
    early = add_step(document("FD-2"), 1, to=department_head, by=desk, routed_at=local(DAY, 9))
    add_step(document("FD-3"), 1, to=host, by=desk, routed_at=local(DAY, 8), signed=True)
    add_step(document("FD-4", status="closed"), 1, to=host, by=desk, routed_at=local(DAY, 8))
    void = document("FD-5", status="void", void_reason="Registered twice")
    add_step(void, 1, to=host, by=desk, routed_at=local(DAY, 8))
    foreign = add_step(document("FD-B-1", desk_b), 1, to=host, by=desk_b, routed_at=local(DAY, 7))

    assert list(selectors.steps_awaiting_signature(user=desk)) == [early, late]
    assert list(selectors.steps_awaiting_signature(user=host)) == [foreign, late]
    assert list(selectors.steps_awaiting_signature(user=department_head)) == [early]
    assert list(selectors.steps_awaiting_signature(user=desk_b)) == [foreign]

    with django_assert_num_queries(1):
        rows = list(selectors.steps_awaiting_signature(user=host))
        assert [(row.document.register_number, row.routed_by) for row in rows] == [
            ("FD-B-1", desk_b),
            ("FD-1", desk),
        ]
        assert {row.recipient for row in rows} == {host}


def test_the_lists_load_what_their_pages_show_with_the_rows(
    desk, host, collections_a, django_assert_num_queries
):
    add_visit(desk, host)
    add_message(
        desk,
        recipient=host,
        recipient_department=collections_a,
        status="handled",
        handled_at=local(DAY, 11),
        handled_by=host,
    )
    add_document(desk, "FD-1")
    assert selectors.is_desk(desk)  # (the roles are read once per request, before the lists)
    with django_assert_num_queries(3):
        (visit,) = selectors.visit_list(user=desk)
        (message,) = selectors.message_list(user=desk)
        (document,) = selectors.document_list(user=desk)
        assert (visit.host, visit.host_department, visit.registered_by) == (
            host,
            collections_a,
            desk,
        )
        assert visit.branch == message.branch == document.branch == desk.staff_profile.branch
        assert (message.recipient, message.recipient_department) == (host, collections_a)
        assert (message.taken_by, message.handled_by) == (desk, host)
        assert document.registered_by == desk
