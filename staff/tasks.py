"""Celery tasks of the staff app: thin, each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from collections_office.workdays import company_today

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


# --- Recruitment and training (issue 12): daily, idempotent --------------------------------


@shared_task(ignore_result=True, time_limit=600)
def rejected_candidates_purge() -> int:
    """Erases the personal data of candidates rejected longer ago than the retention rule."""
    from .recruitment.services import rejected_candidates_purge as purge

    return purge()


@shared_task(ignore_result=True, time_limit=300)
def referral_bonuses_flag() -> int:
    """Flags referred hires who passed probation (the referrer's bonus is due)."""

    from .recruitment.services import referral_bonuses_flag as flag

    return flag(today=company_today())


@shared_task(ignore_result=True, time_limit=300)
def onboarding_sweep() -> int:
    """Enrols people hired in the last 30 days who have no onboarding yet (however made)."""
    import datetime as dt

    from .training.services import onboarding_sweep as sweep

    return sweep(hired_since=company_today() - dt.timedelta(days=30))


@shared_task(ignore_result=True, time_limit=1800)
def early_warning_flags_refresh() -> int:
    """Nightly: every active person's early-warning signals, for the dashboard's panel."""
    from staff.succession.nightly import early_warning_flags_refresh as refresh

    return refresh()
