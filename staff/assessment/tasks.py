"""The assessment's long job: computing a round (2,000 people) away from the request."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError


@shared_task(
    name="staff.assessment.tasks.assessment_round_compute_task",
    acks_late=True,
    reject_on_worker_lost=True,
    # Only a lost or overloaded database is worth retrying.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def assessment_round_compute_task(round_id: int) -> str:
    """Computes round `round_id`; a second delivery finds it claimed and does nothing."""
    from .services import round_compute

    return round_compute(round_id=round_id).run_status
