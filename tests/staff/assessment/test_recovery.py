"""Assessment rounds in the stalled-job sweep: a round whose worker died (marked
computing, nobody holding its run lock) or whose message was lost (queued long ago) is
queued again, and the resumed computation runs to the end."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from collections_office import recovery
from collections_office.run_locks import run_lock
from staff.assessment import recovery as round_recovery
from staff.assessment.services import round_compute
from staff.models import AssessmentResult, AssessmentRound

from .helpers import year_round
from .test_annual import collector
from .test_annual import template as template  # the fixture

pytestmark = pytest.mark.django_db
RunStatus = AssessmentRound.RunStatus


def test_assessment_rounds_are_registered_with_the_sweeper():
    jobs = {job.name: job for job in recovery.registered()}
    assert jobs["assessment-round"].stalled is round_recovery.stalled_round_ids


def test_a_round_whose_worker_died_is_queued_again_and_resumes_to_the_end(
    template, hq_hr, branch_one
):
    for n in range(3):
        collector(branch_one, f"r{n}")
    round_ = year_round(template, hq_hr)
    # The worker claimed it, computed part of it and was killed: "computing", no lock.
    AssessmentRound.objects.filter(pk=round_.pk).update(
        run_status=RunStatus.RUNNING, run_started_at=timezone.now(), subjects_total=3
    )
    assert round_recovery.stalled_round_ids() == [round_.pk]
    with mock.patch("staff.assessment.tasks.assessment_round_compute_task.delay") as delay:
        queued = recovery.sweep(pause_seconds=0)
    assert queued["assessment-round"] == [round_.pk]
    delay.assert_called_once_with(round_.pk)
    # The task's second delivery: it claims the stalled round and finishes it.
    done = round_compute(round_id=round_.pk)
    assert (done.run_status, done.subjects_done) == (RunStatus.DONE, 3)
    assert AssessmentResult.objects.filter(assessment__round=round_).count() == 3 * 3
    assert round_recovery.stalled_round_ids() == []


def test_a_round_being_computed_by_a_live_process_is_left_alone(template, hq_hr):
    round_ = year_round(template, hq_hr)
    AssessmentRound.objects.filter(pk=round_.pk).update(run_status=RunStatus.RUNNING)
    with run_lock(
        round_recovery.RUN_LOCK_NAME, round_recovery.RUN_LOCK_NAMESPACE, round_.pk
    ) as held:
        assert held
        assert round_recovery.stalled_round_ids() == []


def test_a_queued_round_no_worker_started_is_queued_again_after_five_minutes(template, hq_hr):
    round_ = year_round(template, hq_hr)
    now = timezone.now()
    AssessmentRound.objects.filter(pk=round_.pk).update(
        run_status=RunStatus.QUEUED, run_queued_at=now - dt.timedelta(minutes=2)
    )
    assert round_recovery.stalled_round_ids() == []
    AssessmentRound.objects.filter(pk=round_.pk).update(run_queued_at=now - dt.timedelta(minutes=6))
    assert round_recovery.stalled_round_ids() == [round_.pk]


def test_finished_and_failed_rounds_are_not_resumed(template, hq_hr):
    round_ = year_round(template, hq_hr)
    for status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.IDLE):
        AssessmentRound.objects.filter(pk=round_.pk).update(run_status=status)
        assert round_recovery.stalled_round_ids() == []
