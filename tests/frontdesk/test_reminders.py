"""Daily follow-up: documents not signed for within one working day, replies past due."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from frontdesk import services
from frontdesk.models import DocumentReminder
from frontdesk.tasks import send_document_reminders
from staff.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _reminders(user, kind=DocumentReminder.Kind.SIGN_OVERDUE):
    return DocumentReminder.objects.filter(recipient=user, kind=kind).count()


def test_unsigned_document_is_reminded_once_per_day_after_one_working_day(
    desk, department_head, register_document, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):  # a Monday
        document = register_document()
        step = services.document_route(document=document, actor=desk, recipient=department_head)
    assert step.sign_due_at == at(2026, 11, 24, 10, 0)
    Notification.objects.all().delete()  # the routing notice itself is not a reminder

    with time_machine.travel(at(2026, 11, 24, 9, 0), tick=False):
        assert services.document_reminders_send() == {"sign_overdue": 0, "reply_overdue": 0}

    with (
        time_machine.travel(at(2026, 11, 25, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_document_reminders.apply().get() == {"sign_overdue": 1, "reply_overdue": 0}
        # The job runs again the same day (a retry, a second beat): nothing new.
        assert send_document_reminders.apply().get() == {"sign_overdue": 0, "reply_overdue": 0}
    assert _reminders(department_head) == 1
    reminder = Notification.objects.get(recipient=department_head)
    assert document.register_number in reminder.title
    assert [message.to for message in mail.outbox] == [[department_head.email]]

    # Still not signed the next day: one more follow-up, then it stops once signed.
    with time_machine.travel(at(2026, 11, 26, 9, 0), tick=False):
        assert services.document_reminders_send()["sign_overdue"] == 1
        services.step_sign(step=step, actor=department_head)
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        assert services.document_reminders_send()["sign_overdue"] == 0
    assert _reminders(department_head) == 2


def test_a_public_holiday_is_not_a_working_day_for_the_sign_deadline(
    desk, department_head, register_document
):
    # Routed on the last working day before National Day 2025 (1-8 October off).
    with time_machine.travel(at(2025, 9, 30, 10, 0), tick=False):
        document = register_document()
        step = services.document_route(document=document, actor=desk, recipient=department_head)
    assert step.sign_due_at == at(2025, 10, 9, 10, 0)

    for day in (1, 3, 8):  # weekdays, but holidays: not overdue yet
        with time_machine.travel(at(2025, 10, day, 11, 0), tick=False):
            assert services.document_reminders_send()["sign_overdue"] == 0
    with time_machine.travel(at(2025, 10, 9, 11, 0), tick=False):
        assert services.document_reminders_send()["sign_overdue"] == 1
    assert _reminders(department_head) == 1


def test_reply_past_due_reminds_the_current_holder_once_a_day(
    desk, department_head, register_document
):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        document = register_document(reply_required=True, reply_due=dt.date(2026, 11, 25))
        step = services.document_route(document=document, actor=desk, recipient=department_head)
        services.step_sign(step=step, actor=department_head)

    with time_machine.travel(at(2026, 11, 25, 18, 0), tick=False):  # due today: not yet late
        assert services.document_reminders_send()["reply_overdue"] == 0
    with time_machine.travel(at(2026, 11, 26, 9, 0), tick=False):
        assert services.document_reminders_send()["reply_overdue"] == 1
        assert services.document_reminders_send()["reply_overdue"] == 0
    assert _reminders(department_head, DocumentReminder.Kind.REPLY_OVERDUE) == 1

    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False):
        services.document_record_add(
            document=document, actor=department_head, kind="reply", content="Sent the reply"
        )
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        assert services.document_reminders_send()["reply_overdue"] == 0


def test_unrouted_document_with_overdue_reply_reminds_the_registering_desk(desk, register_document):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        register_document(reply_required=True, reply_due=dt.date(2026, 11, 24))
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        assert services.document_reminders_send()["reply_overdue"] == 1
    assert _reminders(desk, DocumentReminder.Kind.REPLY_OVERDUE) == 1


def test_closed_and_void_documents_are_not_followed_up(desk, department_head, register_document):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        document = register_document(reply_required=True, reply_due=dt.date(2026, 11, 24))
        services.document_route(document=document, actor=desk, recipient=department_head)
        services.document_void(document=document, actor=desk, reason="Registered twice")
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        assert services.document_reminders_send() == {"sign_overdue": 0, "reply_overdue": 0}


def test_the_daily_job_is_on_the_beat_schedule():
    from collections_office.celery import app

    entries = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert "frontdesk.tasks.send_document_reminders" in entries
