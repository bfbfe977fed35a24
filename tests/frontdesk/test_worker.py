"""The daily reminder job on a real Celery worker (Redis broker, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk import services
from frontdesk.models import DocumentReminder, RoutingStep
from frontdesk.tasks import send_document_reminders
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_each_overdue_reminder_once(
    celery_worker_process, desk, department_head, register_document
):
    document = register_document()
    step = services.document_route(document=document, actor=desk, recipient=department_head)
    # Routed three weeks ago: well past one working day, whatever the holidays.
    long_ago = timezone.now() - dt.timedelta(days=21)
    RoutingStep.objects.filter(pk=step.pk).update(routed_at=long_ago, sign_due_at=long_ago)

    first = send_document_reminders.delay()
    assert first.get(timeout=60) == {"sign_overdue": 1, "reply_overdue": 0}
    second = send_document_reminders.delay()
    assert second.get(timeout=60) == {"sign_overdue": 0, "reply_overdue": 0}
    wait_for(lambda: DocumentReminder.objects.filter(recipient=department_head).count() == 1)
    assert DocumentReminder.objects.count() == 1
