"""Resuming long jobs whose worker died: one sweeper for every kind of job.

A long job (a placement import today; report runs and reconciliations later) is
claimed by its task with a conditional update and runs under a *run lock* that
dies with the process holding it (a PostgreSQL session advisory lock, or a file
lock on the embedded default). When a worker is killed, its message waits in
the broker's unacknowledged set until the visibility timeout (an hour); the
sweeper does not wait for that: every minute (`resume_stalled_jobs` in
collections_office/tasks.py, scheduled in celery.py) it asks each registered
kind of job for the ids that are stalled — started but with no live run, or
received and still not started after a while — and queues them again. The
tasks are idempotent, so a job re-queued while its old message is still around
runs once: the second delivery finds it claimed or finished.

Apps register in their AppConfig.ready(); this module imports no app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

# A job queued again is not queued again for this long, so that a worker that is
# down (or busy with a long queue) does not collect one message per minute per job.
REQUEUE_PAUSE_SECONDS = 5 * 60


@dataclass(frozen=True)
class ResumableJob:
    """One kind of long job the sweeper watches."""

    name: str
    # Ids of jobs that should be running but are not (their run died, or they were never
    # picked up). Must not take any run lock itself: it only looks.
    stalled: Callable[[], Iterable[int]]
    # Queues the job's task again for one id (after commit, by the caller's rules).
    resume: Callable[[int], None]


_jobs: dict[str, ResumableJob] = {}


def register(job: ResumableJob) -> None:
    """Adds a kind of job to the sweep (idempotent: the same name replaces the entry)."""
    _jobs[job.name] = job


def registered() -> list[ResumableJob]:
    return list(_jobs.values())


def sweep(*, pause_seconds: int = REQUEUE_PAUSE_SECONDS) -> dict[str, list[int]]:
    """Queues every stalled job again → {kind: [ids queued]}.

    One kind failing (its table missing, its database busy) does not stop the others.
    """
    queued: dict[str, list[int]] = {}
    for job in registered():
        try:
            stalled = list(job.stalled())
        except Exception:
            logger.exception("recovery: could not list stalled %s jobs", job.name)
            continue
        for job_id in stalled:
            # cache.add is atomic: two sweepers (two beats by mistake) queue it once.
            if not cache.add(f"recovery:{job.name}:{job_id}", 1, timeout=pause_seconds):
                continue
            job.resume(job_id)
            queued.setdefault(job.name, []).append(job_id)
            logger.warning("recovery: %s %s had no live run; queued again", job.name, job_id)
    return queued
