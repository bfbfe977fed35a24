"""Two people place the same hold at the same moment: one wins, the other is told plainly."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import CaseHold
from cases.services.casepage import case_hold_place

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_dispute_holds_make_one_and_a_clear_refusal(
    case, collector_a, supervisor_a
):
    barrier = threading.Barrier(2)
    results: list[object] = []

    def place(actor):
        try:
            barrier.wait(timeout=10)
            results.append(
                case_hold_place(case=case, actor=actor, kind="dispute", reason=f"by {actor}")
            )
        except ValidationError as exc:
            results.append(exc)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=place, args=(user,)) for user in (collector_a, supervisor_a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    holds = [r for r in results if isinstance(r, CaseHold)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(holds) == 1 and len(refusals) == 1
    assert "already on a dispute hold" in str(refusals[0].message_dict["kind"])
    assert CaseHold.objects.filter(case=case, lifted_at__isnull=True).count() == 1
