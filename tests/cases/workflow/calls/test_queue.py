"""The collector's queue: own open cases by source then balance; filters, search, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from cases.selectors.queue import collector_queue, queue_next_after, queue_position
from tests.cases.api.builders import make_case, make_debtor

from .conftest import assigned_case

pytestmark = pytest.mark.django_db


def worked(agreement, collector, *, principal="1000.00", **fields):
    """A case the collector has already started, called today (no source claims it)."""
    now = timezone.now()
    fields.setdefault("first_action_at", now - dt.timedelta(days=3))
    fields.setdefault("last_call_at", now - dt.timedelta(hours=1))
    fields.setdefault("status", Case.Status.IN_PROGRESS)
    return assigned_case(agreement, collector, principal=Decimal(principal), **fields)


@pytest.fixture
def queue_cases(agreement_a, collector_a):
    now = timezone.now()
    return {
        "rest_small": worked(agreement_a, collector_a, principal="100.00"),
        "rest_big": worked(agreement_a, collector_a, principal="9000.00"),
        "stale": worked(agreement_a, collector_a, last_call_at=now - dt.timedelta(days=8)),
        "never_called": worked(agreement_a, collector_a, last_call_at=None),
        "new": assigned_case(agreement_a, collector_a, assigned_at=now - dt.timedelta(minutes=30)),
        "callback": worked(
            agreement_a, collector_a, next_callback_at=now - dt.timedelta(minutes=5)
        ),
        "callback_later": worked(
            agreement_a, collector_a, next_callback_at=now + dt.timedelta(hours=2)
        ),
    }


def test_the_queue_orders_by_source_then_balance(queue_cases, collector_a):
    order = [case.pk for case in collector_queue(user=collector_a)]
    by_pk = {case.pk: key for key, case in queue_cases.items()}
    keys = [by_pk[pk] for pk in order]
    assert keys[0] == "callback"
    assert keys[1] == "new"
    assert set(keys[2:4]) == {"stale", "never_called"}
    assert keys[4:] == ["rest_big", "callback_later", "rest_small"]


def test_each_case_carries_its_reason(queue_cases, collector_a):
    reasons = {case.pk: case.queue_reason for case in collector_queue(user=collector_a)}
    assert reasons[queue_cases["callback"].pk] == "callback_due"
    assert reasons[queue_cases["new"].pk] == "new_assignment"
    assert reasons[queue_cases["stale"].pk] == "not_called"
    assert reasons[queue_cases["rest_big"].pk] == "rest"


def test_the_queue_holds_only_the_collectors_own_open_cases(
    agreement_a, collector_a, collector_a2, queue_cases
):
    theirs = worked(agreement_a, collector_a2)
    recalled = worked(
        agreement_a, collector_a, status=Case.Status.RECALLED, recalled_at=timezone.now()
    )
    unassigned = make_case(agreement_a)
    pks = {case.pk for case in collector_queue(user=collector_a)}
    assert pks == {case.pk for case in queue_cases.values()}
    assert not pks & {theirs.pk, recalled.pk, unassigned.pk}


def test_filters_and_search(agreement_a, collector_a):
    mine = worked(
        agreement_a,
        collector_a,
        debtor=make_debtor(
            name="Wang Wu", id_number="110101198001010019", phones=("+8613700001234",)
        ),
        account_no="QUEUE-WANG",
    )
    worked(agreement_a, collector_a, account_no="QUEUE-OTHER")
    for query in ("QUEUE-WANG", "Wang", "110101198001010019", "137 0000 1234"):
        assert [c.pk for c in collector_queue(user=collector_a, query=query)] == [mine.pk]
    Case.objects.filter(pk=mine.pk).update(last_contact_at=timezone.now())
    assert [c.pk for c in collector_queue(user=collector_a, last_contact="within_7")] == [mine.pk]
    assert mine.pk not in {c.pk for c in collector_queue(user=collector_a, last_contact="never")}
    assert collector_queue(user=collector_a, bucket="M2").count() == 2  # 45 days overdue
    assert collector_queue(user=collector_a, bucket="M1").count() == 0


def test_the_next_case_follows_in_queue_order(queue_cases, collector_a):
    queue = collector_queue(user=collector_a)
    order = [case.pk for case in queue]
    position = queue_position(queue, pk=order[1])
    assert queue_next_after(queue, position=position, exclude_pk=order[1]).pk == order[2]
    last = queue_position(queue, pk=order[-1])
    assert queue_next_after(queue, position=last, exclude_pk=order[-1]) is None


# --- The page ------------------------------------------------------------------------------


def test_the_queue_page_lists_with_reasons_and_clock(client, queue_cases, collector_a):
    client.force_login(collector_a)
    response = client.get("/cases/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Callback due" in html and "New: not yet worked" in html
    assert 'data-testid="first-action-clock"' in html
    assert html.index(queue_cases["callback"].account_no) < html.index(
        queue_cases["new"].account_no
    )
    assert "queue.js" in html


@pytest.mark.parametrize("who", ["supervisor_a", "anonymous"])
def test_the_queue_is_for_collectors(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/cases/queue/").status_code in (302, 403)


def test_the_queue_page_query_count_is_constant(
    client, agreement_a, collector_a, django_assert_num_queries
):
    """Exact: session, the user with their profile, branch and roles (staff.backends);
    the page of ids counted in the same query; the page's rows; the filter's banks; the
    nav's notifications."""
    client.force_login(collector_a)
    worked(agreement_a, collector_a)
    client.get("/cases/queue/")  # the same warm-up for both runs
    with django_assert_num_queries(6):
        client.get("/cases/queue/")
    for _ in range(29):
        worked(agreement_a, collector_a)
    with django_assert_num_queries(6):
        response = client.get("/cases/queue/")
    assert response.content.decode().count("data-queue-row") == 30


def test_a_queue_longer_than_a_page_is_counted_and_paged(client, agreement_a, collector_a):
    from cases.views.calls import QUEUE_PAGE_SIZE

    client.force_login(collector_a)
    cases = [worked(agreement_a, collector_a, principal=f"{1000 + n}.00") for n in range(3)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cases.views.calls.QUEUE_PAGE_SIZE", 2)
        first = client.get("/cases/queue/").content.decode()
        second = client.get("/cases/queue/", {"page": "2"}).content.decode()
        past_the_end = client.get("/cases/queue/", {"page": "9"}).content.decode()
        bad = client.get("/cases/queue/", {"page": "x"}).content.decode()
        huge = client.get("/cases/queue/", {"page": "9" * 30})
    assert QUEUE_PAGE_SIZE == 50
    # Highest balance first (no source claims these worked cases).
    assert first.count("data-queue-row") == 2 and second.count("data-queue-row") == 1
    assert cases[2].account_no in first and cases[0].account_no in second
    assert "1–2 of 3" in first and "3–3 of 3" in second
    # A page past the end is the last page; a bad number the first (as get_page does).
    assert past_the_end.count("data-queue-row") == 1 and "3–3 of 3" in past_the_end
    assert cases[0].account_no in past_the_end
    assert bad.count("data-queue-row") == 2 and "1–2 of 3" in bad
    assert huge.status_code == 200 and "3–3 of 3" in huge.content.decode()


def test_a_bad_filter_is_reported_and_the_page_still_works(client, collector_a, queue_cases):
    client.force_login(collector_a)
    response = client.get("/cases/queue/", {"bank": "x", "bucket": "M99"})
    assert response.status_code == 200
    assert response.content.decode().count("data-queue-row") == len(queue_cases)
