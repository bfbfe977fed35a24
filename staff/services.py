"""Writes for people: language preference, personal-data view records, notifications,
demo-data markers."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from .models import DemoData, Notification, PersonalDataView
from .selectors import profile_of

logger = logging.getLogger(__name__)


@transaction.atomic
def personal_data_view_record(
    *, user, obj: Model, fields: list[str], path: str = "", records: int | None = None
) -> PersonalDataView:
    """Writes who saw which object's personal data unmasked, and when.

    `records` is for an object that holds many people (a bank's original file):
    how many people's data went out with it.
    """
    return PersonalDataView.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        fields=",".join(fields)[:255],
        path=path[:255],
        records=records,
    )


@transaction.atomic
def personal_data_export_record(
    *, user, model: type[Model], records: int, fields: list[str], path: str = ""
) -> PersonalDataView:
    """Writes that someone exported a list carrying personal data, and how many rows."""
    return PersonalDataView.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id="",
        fields=",".join(fields)[:255],
        path=path[:255],
        records=records,
    )


def user_language_set(*, user, language: str) -> None:
    """Remembers the user's language choice on their profile."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    profile = profile_of(user)
    if profile is not None and profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])


def notification_send(
    *, recipient, title: str, body: str = "", url: str = "", actor=None, email: bool = True
) -> Notification:
    """Puts a notification in the recipient's bell and, after commit, emails it.

    The email goes out only once the surrounding transaction has committed, so
    a rolled-back registration never mails anyone; a mail failure is logged and
    never undoes the notification (the bell still shows it).
    """
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, actor=actor, title=title[:200], body=body, url=url[:500]
        )
        if email and recipient.email:
            transaction.on_commit(lambda: _notification_email(notification.pk))
    return notification


def notification_in_their_language(
    *, recipient, make, url: str = "", actor=None, email: bool = True
) -> Notification:
    """Sends a notification written in the recipient's own language: `make()` returns
    (title, body) and runs with that language active (the sender's may differ)."""
    from django.utils import translation

    from .selectors import profile_of

    profile = profile_of(recipient)
    language = (profile.language if profile else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        title, body = make()
    return notification_send(
        recipient=recipient, actor=actor, title=title, body=body, url=url, email=email
    )


def _notification_email(notification_pk: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_pk)
    text = notification.body
    if notification.url:
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        text = f"{text}\n\n{base}{notification.url}".strip()
    try:
        send_mail(
            notification.title,
            text,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    except Exception:
        logger.exception("notification email failed", extra={"notification_id": notification_pk})


@transaction.atomic
def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Marks the user's own notifications read (all unread ones when ids is None)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())


def demo_data_mark(*, obj: Model) -> None:
    """Marks an object as demo data (`seed_demo` only): production refuses to run with it."""
    DemoData.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
