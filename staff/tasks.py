"""Celery tasks of the staff app: thin, each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from . import accounts


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def password_reset_mail_send(*, email: str, domain: str, use_https: bool, language: str) -> None:
    # Mail servers fail transiently (OSError covers SMTP and socket errors): retry.
    with translation.override(language):
        accounts.password_reset_mail_send(email=email, domain=domain, use_https=use_https)


@shared_task(ignore_result=True, time_limit=600)
def promotion_appoint_due() -> int:
    """Appointments whose public notice ended and whose effective date came (idempotent)."""
    from .promotion.committee import appoint_due

    with translation.override(None):
        return appoint_due()


@shared_task(ignore_result=True, time_limit=600)
def attendance_flag_missing_clock_outs() -> int:
    """Each morning: days clocked in but not out are flagged and the person told (once)."""
    from .attendance.clock import attendance_flag_missing_clock_outs as flag

    return flag()


@shared_task(ignore_result=True, time_limit=600)
def leaves_mark_taken() -> int:
    """Each night: approved leave whose first day has come shows as being taken."""
    from .attendance.leave import leaves_mark_taken as mark

    return mark()
