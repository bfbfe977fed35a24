"""Celery tasks of the front desk: thin wrappers around one service each."""

from celery import shared_task

from .services import document_reminders_send


@shared_task(name="frontdesk.tasks.send_document_reminders", time_limit=600, soft_time_limit=540)
def send_document_reminders() -> dict[str, int]:
    """Daily follow-up of documents not signed for in time and replies past due (idempotent)."""
    return document_reminders_send()
