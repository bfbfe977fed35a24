"""Two supervisors assigning the same cases at the same moment, on two real connections.

Supervisor A's transaction has moved the cases and not yet committed; supervisor B's
assignment waits on the row locks (seen in pg_stat_activity), then finds the cases
taken: one wins, the other is told which case and who has it, nothing is overwritten.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from cases.models import Case, CaseAssignment
from cases.services.assignment import AssignmentConflict, case_assign, cases_assign

pytestmark = pytest.mark.django_db(transaction=True)


def _someone_waits_for_a_row_lock(timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _race(first, second):
    """Runs `first` in a transaction held open until `second` (on another connection)
    is waiting for its locks; returns both outcomes (a result or the exception)."""
    outcomes: dict[str, object] = {}
    first_moved, release = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                outcomes["first"] = first()
                first_moved.set()
                release.wait(timeout=30)
        except Exception as exc:  # reported to the test
            outcomes["first"] = exc
            first_moved.set()
        finally:
            connections.close_all()

    def run_second():
        first_moved.wait(timeout=30)
        try:
            outcomes["second"] = second()
        except Exception as exc:  # reported to the test
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    first_moved.wait(timeout=30)
    waited = _someone_waits_for_a_row_lock()
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert waited, "the second assignment never waited for the first one's row locks"
    return outcomes["first"], outcomes["second"]


def test_two_supervisors_assign_the_same_case_one_wins_the_other_is_told(
    new_cases_a, supervisor_a, supervisor_a2, collector_a, collector_a2
):
    case = new_cases_a[0]
    seen_by_a = Case.objects.get(pk=case.pk)
    seen_by_b = Case.objects.get(pk=case.pk)
    won, lost = _race(
        lambda: case_assign(case=seen_by_a, collector=collector_a, actor=supervisor_a),
        lambda: case_assign(case=seen_by_b, collector=collector_a2, actor=supervisor_a2),
    )
    assert won.assigned_count == 1
    assert isinstance(lost, AssignmentConflict)
    assert f"Case {case.account_no} was just assigned to Li Lei" in lost.messages[0]
    assert Case.objects.get(pk=case.pk).assigned_to == collector_a
    assert CaseAssignment.objects.filter(case=case).count() == 1


def test_overlapping_batches_apply_the_rest_and_report_the_taken_cases(
    new_cases_a, supervisor_a, supervisor_a2, collector_a, collector_a2
):
    first_half = [Case.objects.get(pk=c.pk) for c in new_cases_a[:3]]
    second_half = [Case.objects.get(pk=c.pk) for c in new_cases_a[2:]]
    won, partly = _race(
        lambda: cases_assign(cases=first_half, collector=collector_a, actor=supervisor_a),
        lambda: cases_assign(cases=second_half, collector=collector_a2, actor=supervisor_a2),
    )
    assert won.assigned_count == 3
    assert partly.assigned_count == 2
    assert [taken.account_no for taken in partly.taken] == [new_cases_a[2].account_no]
    assert partly.taken[0].now_with == "Li Lei"
    assert Case.objects.filter(assigned_to=collector_a).count() == 3
    assert Case.objects.filter(assigned_to=collector_a2).count() == 2
    assert CaseAssignment.objects.count() == 5
