"""Celery tasks of the cases app: thin wrappers that call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from cases.services.placements import placement_import


@shared_task(
    name="cases.tasks.placement_import_task",
    acks_late=True,  # a worker that dies mid-import leaves the message to be redelivered…
    reject_on_worker_lost=True,  # …and the re-run resumes after the last committed batch
    # Only a lost or overloaded database is worth retrying; a bad file is not.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def placement_import_task(placement_id: int) -> str:
    """Imports placement `placement_id`; a second delivery of the same id does nothing."""
    return placement_import(placement_id=placement_id).status


@shared_task(
    name="cases.tasks.repayment_import_task",
    acks_late=True,  # as the placement import: redelivered if the worker dies…
    reject_on_worker_lost=True,  # …and the re-run resumes after the last committed batch
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def repayment_import_task(repayment_file_id: int) -> str:
    """Imports repayment file `repayment_file_id`; a second delivery does nothing."""
    from cases.services.repayments import repayment_import

    return repayment_import(repayment_file_id=repayment_file_id).status


@shared_task(
    name="cases.tasks.promises_settle_task",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def promises_settle_task() -> int:
    """Settles the open promises that fell due before today (company date); a second run
    the same day changes nothing."""
    from django.utils import timezone

    from cases.services.promise_settlement import promises_settle
    from collections_office.workdays import local_date

    return promises_settle(today=local_date(timezone.now()))
