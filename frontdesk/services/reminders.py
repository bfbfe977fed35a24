"""Follow-ups: reminders for documents not signed for or not replied to in time."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.workdays import local_date

from ..models import (
    Document,
    DocumentReminder,
    RoutingStep,
)
from ..selectors import (
    current_step,
)
from .common import (
    local_text,
    notify_in_their_language,
)


def _remind_once(*, document: Document, step, kind: str, recipient, today: dt.date, make) -> bool:
    """Sends a reminder unless the same one went out today; True if it was sent now."""
    with transaction.atomic():
        _reminder, created = DocumentReminder.objects.get_or_create(
            document=document,
            kind=kind,
            recipient=recipient,
            reminded_on=today,
            defaults={"step": step},
        )
        if created:
            notify_in_their_language(
                recipient=recipient,
                actor=None,
                url=reverse("frontdesk:document_detail", args=[document.pk]),
                make=make,
            )
    return created


def document_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Reminds people of documents not signed for in time and of replies past due.

    Safe to run again: at most one reminder per document, kind, person and day.
    """
    now = now or timezone.now()
    today = local_date(now)
    sent = {"sign_overdue": 0, "reply_overdue": 0}
    open_documents = [Document.Status.CLOSED, Document.Status.VOID]
    overdue_steps = (
        RoutingStep.objects.filter(signed_at__isnull=True, sign_due_at__lt=now)
        .exclude(document__status__in=open_documents)
        .select_related("document", "recipient")
    )
    for step in overdue_steps:

        def make(step=step):
            return (
                _("Reminder: sign for %(number)s") % {"number": step.document.register_number},
                _(
                    "“%(title)s” was routed to you on %(routed)s and is not signed for yet "
                    "(due %(due)s)."
                )
                % {
                    "title": step.document.title,
                    "routed": local_text(step.routed_at),
                    "due": local_text(step.sign_due_at),
                },
            )

        sent["sign_overdue"] += _remind_once(
            document=step.document,
            step=step,
            kind=DocumentReminder.Kind.SIGN_OVERDUE,
            recipient=step.recipient,
            today=today,
            make=make,
        )
    overdue_replies = (
        Document.objects.filter(reply_required=True, replied_at__isnull=True, reply_due__lt=today)
        .exclude(status__in=open_documents)
        .select_related("registered_by")
    )
    for document in overdue_replies:
        step = current_step(document)
        recipient = step.recipient if step else document.registered_by

        def make(document=document):
            return (
                _("Reply overdue: %(number)s") % {"number": document.register_number},
                _("The reply to “%(title)s” was due on %(due)s and has not been recorded.")
                % {"title": document.title, "due": document.reply_due.isoformat()},
            )

        sent["reply_overdue"] += _remind_once(
            document=document,
            step=step,
            kind=DocumentReminder.Kind.REPLY_OVERDUE,
            recipient=recipient,
            today=today,
            make=make,
        )
    return sent
