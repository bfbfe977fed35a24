"""The Celery application. Schedules live here, in code (see settings)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_office.settings")

app = Celery("collections_office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of every app, in one place. Times are UTC unless a
# crontab says otherwise; the company works in Asia/Shanghai (UTC+8).
app.conf.beat_schedule = {
    "heartbeat": {
        "task": "collections_office.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # A long job whose worker died resumes within a minute or two instead of waiting
    # an hour for the broker's visibility timeout (collections_office/recovery.py).
    "resume-stalled-jobs": {
        "task": "collections_office.tasks.resume_stalled_jobs",
        "schedule": 60.0,
        # While no worker runs, sweeps do not pile up: the next one does the same work.
        "options": {"expires": 55},
    },
    # 00:10 Asia/Shanghai: settle the promises that fell due yesterday (kept, partly kept,
    # broken), so the morning's queues put broken promises first (cases/services/
    # promise_settlement.py; idempotent: a re-run or a late run does the same).
    "cases-promises-settle": {
        "task": "cases.tasks.promises_settle_task",
        "schedule": crontab(minute=10, hour=16),
    },
    # The reports' daily rollups: today, yesterday and days whose data changed
    # (reporting/rollups.py). Missed runs are harmless: the next one does the same work.
    "reporting-refresh-rollups": {
        "task": "reporting.tasks.refresh_rollups",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # 09:00 Asia/Shanghai: remind people of documents not signed for / replies past due.
    "frontdesk-document-reminders": {
        "task": "frontdesk.tasks.send_document_reminders",
        "schedule": crontab(minute=0, hour=1),
    },
    # 00:10 Asia/Shanghai, and hourly after: promotions whose public notice ended take
    # effect on their effective date (idempotent: each application is appointed once).
    "staff-promotion-appointments": {
        "task": "staff.tasks.promotion_appoint_due",
        "schedule": crontab(minute=10),
    },
    # 08:30 Asia/Shanghai: yesterday's forgotten clock-outs are flagged (idempotent).
    "attendance-missing-clock-outs": {
        "task": "staff.tasks.attendance_flag_missing_clock_outs",
        "schedule": crontab(minute=30, hour=0),
    },
    # 00:05 Asia/Shanghai: approved leave starting today becomes "on leave".
    "leave-mark-taken": {
        "task": "staff.tasks.leaves_mark_taken",
        "schedule": crontab(minute=5, hour=16),
    },
    # 02:10–02:30 Asia/Shanghai (18:xx UTC), at night: recruitment and training upkeep.
    "staff-rejected-candidates-purge": {
        "task": "staff.tasks.rejected_candidates_purge",
        "schedule": crontab(minute=10, hour=18),
    },
    "staff-referral-bonuses-flag": {
        "task": "staff.tasks.referral_bonuses_flag",
        "schedule": crontab(minute=20, hour=18),
    },
    "staff-onboarding-sweep": {
        "task": "staff.tasks.onboarding_sweep",
        "schedule": crontab(minute=30, hour=18),
    },
    # 02:40 Asia/Shanghai: the early-warning signals of everyone, read once a night for
    # the landing dashboard's panel (staff/succession/nightly.py; idempotent).
    "staff-early-warning-flags": {
        "task": "staff.tasks.early_warning_flags_refresh",
        "schedule": crontab(minute=40, hour=18),
    },
}
