"""Assessment rounds in the recovery sweep (collections_office/recovery.py).

Computing a round (2,000 people) is a long job: `round_compute` runs it under a run lock
that dies with its process. Every minute the sweeper asks `stalled_round_ids` for rounds
marked "computing" whose lock no live process holds (the worker was killed), or queued
more than QUEUED_UNSTARTED_AFTER ago and never started (the message was lost), and queues
the task again. Re-computing is safe: computed values are replaced, reviewers' scores
kept, and a second delivery finds the round claimed or done.

Registered when the staff app is ready (staff/apps.py AREA_MODULES imports this module).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from collections_office import recovery
from collections_office.run_locks import runs_alive

RUN_LOCK_NAME = "assessment-round"
RUN_LOCK_NAMESPACE = 7401
QUEUED_UNSTARTED_AFTER = dt.timedelta(minutes=5)


def stalled_round_ids() -> list[int]:
    """Rounds computing with no live process, or queued long ago and never started."""
    from staff.models import AssessmentRound

    waited = timezone.now() - QUEUED_UNSTARTED_AFTER
    candidates = list(
        AssessmentRound.objects.filter(
            Q(run_status=AssessmentRound.RunStatus.RUNNING)
            | Q(run_status=AssessmentRound.RunStatus.QUEUED, run_queued_at__lt=waited)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    alive = runs_alive(RUN_LOCK_NAME, RUN_LOCK_NAMESPACE, candidates)
    return [pk for pk in candidates if pk not in alive]


def resume_round(round_id: int) -> None:
    from .tasks import assessment_round_compute_task

    assessment_round_compute_task.delay(round_id)


recovery.register(
    recovery.ResumableJob(name=RUN_LOCK_NAME, stalled=stalled_round_ids, resume=resume_round)
)
