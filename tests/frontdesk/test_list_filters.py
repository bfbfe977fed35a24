"""The register pages' search and filters (`frontdesk.selectors.*_list_filtered`), one by one.

Each search field gets a row that matches through that field alone (and rows that do not),
each status / direction value its own row, each date bound a row on its edge and one just
past it, in the company's days (the pages run in China time, `in_company_time`), and every
test keeps a row of another branch that matches everything: the filters narrow what the
user may see, never widen it. Sets are compared exactly, so that a search term joined with
`&` instead of `|`, a filter dropped or inverted, or a default that filters when no
argument is given fails here (issue 14's mutation run).
"""

from __future__ import annotations

import datetime as dt

import pytest

from collections_office.workdays import company_tz
from frontdesk import selectors
from frontdesk.models import Document, PhoneMessage, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("company_time")]

DAY = dt.date(2026, 11, 20)  # the first day of a filtered range
LAST = dt.date(2026, 11, 22)  # its last day
ONE_DAY = dt.timedelta(days=1)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of a company day (China time): 00:30 there is still the day before in UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=company_tz())


def pks(rows) -> set[int]:
    return {row.pk for row in rows}


def add_visit(desk, host, **fields) -> Visit:
    values = {
        "branch": desk.staff_profile.branch,
        "visitor_name": "Guest",
        "purpose": "Meeting",
        "host": host,
        "host_department": host.staff_profile.department,
        "registered_by": desk,
        "status": Visit.Status.ON_SITE,
        "arrived_at": local(DAY, 10),
        **fields,
    }
    return Visit.objects.create(**values)


def add_message(desk, **fields) -> PhoneMessage:
    values = {
        "branch": desk.staff_profile.branch,
        "caller_name": "Caller",
        "message": "Please call back",
        "taken_by": desk,
        "taken_at": local(DAY, 10),
        **fields,
    }
    return PhoneMessage.objects.create(**values)


def add_document(desk, register_number: str, **fields) -> Document:
    values = {
        "branch": desk.staff_profile.branch,
        "register_number": register_number,
        "title": "Letter",
        "sender": "Someone",
        "receiving_unit": "Collections",
        "document_date": DAY,
        "registered_by": desk,
        **fields,
    }
    return Document.objects.create(**values)


# --- Visits -------------------------------------------------------------------------------


def test_visit_search_matches_through_each_field_alone(desk, host, desk_b, hq_desk):
    rows = {
        "name": add_visit(desk, host, visitor_name="Zephyr Wu"),
        "organisation": add_visit(desk, host, visitor_name="Li Na", organisation="Orchid Trading"),
        "phone": add_visit(desk, host, visitor_name="Zhao Min", phone="+8613812345678"),
        "badge": add_visit(desk, host, visitor_name="Sun Yi", badge_number="B-17"),
        "purpose": add_visit(desk, host, visitor_name="Qian Bo", purpose="Quarterly audit"),
    }
    other = add_visit(desk, host, organisation="Acme", phone="+8613900001111", badge_number="B-170")
    foreign = add_visit(
        desk_b,
        desk_b,
        visitor_name="Zephyr Orchid",
        organisation="Orchid",
        phone="+8613812345678",
        badge_number="B-17",
        purpose="Audit",
    )
    searches = [
        ("zephyr", "name"),
        ("ORCHID", "organisation"),
        ("138 1234 5678", "phone"),  # typed with spaces: the stored number has none
        ("1234567", "phone"),
        ("b-17", "badge"),  # the whole badge number, any case; B-170 is another badge
        ("Audit", "purpose"),
    ]
    for query, field in searches:
        assert pks(selectors.visit_list_filtered(user=desk, query=query)) == {rows[field].pk}
        # The other branch's row matches too: only the scope keeps it out.
        assert foreign.pk in pks(selectors.visit_list_filtered(user=hq_desk, query=query))
    everything = {*pks(rows.values()), other.pk}
    assert pks(selectors.visit_list_filtered(user=desk)) == everything
    assert pks(selectors.visit_list_filtered(user=desk, query="")) == everything
    assert not selectors.visit_list_filtered(user=desk, query="Nobody")


def test_visit_status_filter_and_an_unknown_status_filters_nothing(desk, host, desk_b):
    rows = {
        Visit.Status.EXPECTED: add_visit(
            desk, host, status=Visit.Status.EXPECTED, arrived_at=None, expected_at=local(DAY, 15)
        ),
        Visit.Status.ON_SITE: add_visit(desk, host),
        Visit.Status.LEFT: add_visit(desk, host, status="left", departed_at=local(DAY, 11)),
        Visit.Status.VOID: add_visit(desk, host, status="void", void_reason="Typed twice"),
    }
    add_visit(desk_b, desk_b)
    for status, row in rows.items():
        assert pks(selectors.visit_list_filtered(user=desk, status=status)) == {row.pk}
    for status in ("", "bogus", "ON_SITE"):
        assert pks(selectors.visit_list_filtered(user=desk, status=status)) == pks(rows.values())


def test_visit_host_department_and_organisation_filters(
    desk, host, department_head, other_supervisor, collections_a, desk_b
):
    a = add_visit(desk, host, organisation="Orchid Trading")
    b = add_visit(desk, other_supervisor, organisation="Acme")
    c = add_visit(desk, department_head, organisation="Orchid Bank")
    add_visit(desk_b, desk_b, organisation="Orchid Bank")
    finance = other_supervisor.staff_profile.department

    def found(**filters):
        return pks(selectors.visit_list_filtered(user=desk, **filters))

    assert found(host_id=host.pk) == {a.pk}
    assert found(host_id=other_supervisor.pk) == {b.pk}
    assert found(department_id=collections_a.pk) == {a.pk, c.pk}
    assert found(department_id=finance.pk) == {b.pk}
    assert found(organisation="orchid") == {a.pk, c.pk}
    assert found(organisation="ORCHID bank") == {c.pk}
    assert found(host_id=host.pk, organisation="bank") == set()
    assert found() == {a.pk, b.pk, c.pk}
    # A host (not the desk) sees only their own visits, filters or not.
    assert pks(selectors.visit_list_filtered(user=other_supervisor)) == {b.pk}
    assert pks(selectors.visit_list_filtered(user=host, department_id=collections_a.pk)) == {a.pk}


def test_visit_dates_are_company_days_inclusive_and_an_expected_visitor_counts_when_expected(
    desk, host, desk_b
):
    def expected(moment):
        return add_visit(
            desk, host, status=Visit.Status.EXPECTED, arrived_at=None, expected_at=moment
        )

    arrived_first_day = add_visit(desk, host, arrived_at=local(DAY, 0, 30))
    # Arrived the evening before, although expected inside the range: the arrival counts.
    arrived_before = add_visit(
        desk, host, arrived_at=local(DAY - ONE_DAY, 23, 30), expected_at=local(DAY, 10)
    )
    expected_first_day = expected(local(DAY, 0, 30))
    expected_before = expected(local(DAY - ONE_DAY, 23, 30))
    arrived_last_day = add_visit(desk, host, arrived_at=local(LAST, 23, 30))
    arrived_after = add_visit(
        desk, host, arrived_at=local(LAST + ONE_DAY, 0, 30), expected_at=local(LAST, 10)
    )
    expected_last_day = expected(local(LAST, 23, 30))
    expected_after = expected(local(LAST + ONE_DAY, 0, 30))
    never_expected = add_visit(
        desk, host, status="void", arrived_at=None, void_reason="Did not come"
    )
    add_visit(desk_b, desk_b, arrived_at=local(DAY, 12))

    def found(**bounds):
        return pks(selectors.visit_list_filtered(user=desk, **bounds))

    inside = {arrived_first_day.pk, expected_first_day.pk, arrived_last_day.pk}
    inside |= {expected_last_day.pk}
    assert found(date_from=DAY, date_to=LAST) == inside
    assert found(date_from=DAY) == inside | {arrived_after.pk, expected_after.pk}
    assert found(date_to=LAST) == inside | {arrived_before.pk, expected_before.pk}
    assert never_expected.pk in found()
    assert found(date_from=LAST + ONE_DAY) == {arrived_after.pk, expected_after.pk}


# --- Phone messages -----------------------------------------------------------------------


def test_message_search_matches_through_each_field_alone(desk, host, desk_b, hq_desk):
    rows = {
        "caller": add_message(desk, recipient=host, caller_name="Zephyr Wu"),
        "organisation": add_message(desk, recipient=host, caller_organisation="Orchid Trading"),
        "text": add_message(desk, recipient=host, message="About the quarterly audit"),
        "phone": add_message(desk, recipient=host, caller_phone="+8613812345678"),
    }
    other = add_message(
        desk, recipient=host, caller_organisation="Acme", caller_phone="+8613900001111"
    )
    foreign = add_message(
        desk_b,
        recipient=desk_b,
        caller_name="Zephyr",
        caller_organisation="Orchid",
        message="audit",
        caller_phone="+8613812345678",
    )
    searches = [
        ("zephyr", "caller"),
        ("ORCHID", "organisation"),
        ("Audit", "text"),
        ("138 1234 5678", "phone"),
        ("1234567", "phone"),
    ]
    for query, field in searches:
        assert pks(selectors.message_list_filtered(user=desk, query=query)) == {rows[field].pk}
        assert foreign.pk in pks(selectors.message_list_filtered(user=hq_desk, query=query))
    everything = {*pks(rows.values()), other.pk}
    assert pks(selectors.message_list_filtered(user=desk)) == everything
    assert pks(selectors.message_list_filtered(user=desk, query="")) == everything
    assert not selectors.message_list_filtered(user=desk, query="Nobody")


def test_message_status_filter_and_an_unknown_status_filters_nothing(desk, host, desk_b):
    rows = {
        PhoneMessage.Status.OPEN: add_message(desk, recipient=host),
        PhoneMessage.Status.HANDLED: add_message(
            desk, recipient=host, status="handled", handled_at=local(DAY, 11), handled_by=host
        ),
        PhoneMessage.Status.VOID: add_message(
            desk, recipient=host, status="void", void_reason="Wrong number"
        ),
    }
    add_message(desk_b, recipient=desk_b)
    for status, row in rows.items():
        assert pks(selectors.message_list_filtered(user=desk, status=status)) == {row.pk}
    for status in ("", "bogus", "OPEN"):
        found = selectors.message_list_filtered(user=desk, status=status)
        assert pks(found) == pks(rows.values())


def test_message_dates_are_company_days_inclusive(desk, host, desk_b):
    first_day = add_message(desk, recipient=host, taken_at=local(DAY, 0, 30))
    before = add_message(desk, recipient=host, taken_at=local(DAY - ONE_DAY, 23, 30))
    last_day = add_message(desk, recipient=host, taken_at=local(LAST, 23, 30))
    after = add_message(desk, recipient=host, taken_at=local(LAST + ONE_DAY, 0, 30))
    add_message(desk_b, recipient=desk_b, taken_at=local(DAY, 12))

    def found(**bounds):
        return pks(selectors.message_list_filtered(user=desk, **bounds))

    assert found(date_from=DAY, date_to=LAST) == {first_day.pk, last_day.pk}
    assert found(date_from=DAY) == {first_day.pk, last_day.pk, after.pk}
    assert found(date_to=LAST) == {before.pk, first_day.pk, last_day.pk}


def test_mine_is_the_users_own_messages_and_those_of_the_department_they_head(
    desk, host, department_head, collections_a, desk_b
):
    to_desk = add_message(desk, recipient=desk)
    to_head = add_message(desk, recipient=department_head)
    to_department = add_message(desk, recipient_department=collections_a)
    to_host_in_department = add_message(desk, recipient=host, recipient_department=collections_a)
    to_host = add_message(desk, recipient=host)
    add_message(desk_b, recipient=desk_b)

    def found(user, **filters):
        return pks(selectors.message_list_filtered(user=user, **filters))

    assert found(desk, mine=True) == {to_desk.pk}
    assert found(desk) == {
        to_desk.pk,
        to_head.pk,
        to_department.pk,
        to_host_in_department.pk,
        to_host.pk,
    }
    assert found(department_head, mine=True) == {
        to_head.pk,
        to_department.pk,
        to_host_in_department.pk,
    }
    assert found(host, mine=True) == {to_host_in_department.pk, to_host.pk}


# --- Documents ----------------------------------------------------------------------------


def test_document_search_matches_through_each_field_alone(desk, desk_b, hq_desk):
    rows = {
        "title": add_document(desk, "FD-A-0001", title="Zephyr tenancy notice"),
        "register": add_document(desk, "FD-A-0417"),
        "reference": add_document(desk, "FD-A-0002", reference_number="(2026) Hu 0101 Min Chu 99"),
        "sender": add_document(desk, "FD-A-0003", sender="Orchid District Court"),
        "unit": add_document(desk, "FD-A-0004", receiving_unit="Legal Affairs"),
    }
    other = add_document(desk, "FD-A-0005", reference_number="REF-1")
    foreign = add_document(
        desk_b,
        "FD-B-0417",
        title="Zephyr",
        reference_number="Min Chu",
        sender="Orchid",
        receiving_unit="Legal",
    )
    searches = [
        ("zephyr", "title"),
        ("0417", "register"),
        ("MIN CHU", "reference"),
        ("orchid", "sender"),
        ("legal", "unit"),
    ]
    for query, field in searches:
        assert pks(selectors.document_list_filtered(user=desk, query=query)) == {rows[field].pk}
        assert foreign.pk in pks(selectors.document_list_filtered(user=hq_desk, query=query))
    everything = {*pks(rows.values()), other.pk}
    assert pks(selectors.document_list_filtered(user=desk)) == everything
    assert pks(selectors.document_list_filtered(user=desk, query="")) == everything
    assert not selectors.document_list_filtered(user=desk, query="Nobody")


def test_document_status_and_direction_filters(desk, desk_b):
    by_status = {
        status: add_document(
            desk,
            f"FD-S-{n}",
            status=status,
            void_reason="Registered twice" if status == Document.Status.VOID else "",
        )
        for n, status in enumerate(Document.Status.values)
    }
    by_direction = {
        direction: add_document(desk, f"FD-D-{n}", direction=direction, status="closed")
        for n, direction in enumerate(Document.Direction.values)
    }
    add_document(desk_b, "FD-B-1", status="closed", direction="internal")
    everything = pks(by_status.values()) | pks(by_direction.values())
    closed = by_status[Document.Status.CLOSED]

    def found(**filters):
        return pks(selectors.document_list_filtered(user=desk, **filters))

    for status, row in by_status.items():
        expected = {row.pk} | (pks(by_direction.values()) if row is closed else set())
        assert found(status=status) == expected
    incoming = {row.pk for row in by_status.values()} | {by_direction["incoming"].pk}
    for direction, row in by_direction.items():
        expected = incoming if direction == "incoming" else {row.pk}
        assert found(direction=direction) == expected
    assert found(status="closed", direction="outgoing") == {by_direction["outgoing"].pk}
    for value in ("", "bogus", "CLOSED"):
        assert found(status=value) == everything
        assert found(direction=value) == everything


def test_document_dates_are_inclusive(desk, desk_b):
    first_day = add_document(desk, "FD-1", document_date=DAY)
    before = add_document(desk, "FD-2", document_date=DAY - ONE_DAY)
    last_day = add_document(desk, "FD-3", document_date=LAST)
    after = add_document(desk, "FD-4", document_date=LAST + ONE_DAY)
    add_document(desk_b, "FD-B-1", document_date=DAY)

    def found(**bounds):
        return pks(selectors.document_list_filtered(user=desk, **bounds))

    assert found(date_from=DAY, date_to=LAST) == {first_day.pk, last_day.pk}
    assert found(date_from=DAY) == {first_day.pk, last_day.pk, after.pk}
    assert found(date_to=LAST) == {before.pk, first_day.pk, last_day.pk}
