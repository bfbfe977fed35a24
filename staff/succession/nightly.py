"""The nightly early-warning reading: every active person's signals, once a night, into
`EarlyWarningFlag` rows (the people with at least one signal on), which the landing
dashboard's panel reads with two queries whatever the size of the team. Reading the
signals costs what the early-warning page costs (four windows of performance figures
over the call log, attendance, leave, assessments): once a night instead of on every
visit to the landing page. Safe to run twice: the rows are replaced whole."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from collections_office.workdays import company_today
from staff.models import EarlyWarningFlag, StaffProfile

from .signals import read_signals


def early_warning_flags_refresh(*, today: dt.date | None = None) -> int:
    """Reads every active person's signals and replaces the flags; returns how many
    people are flagged."""
    today = today or company_today()
    profiles = StaffProfile.objects.filter(status=StaffProfile.Status.ACTIVE).select_related(
        "user", "branch", "department"
    )
    rows = [
        EarlyWarningFlag(
            profile=row.profile,
            computed_on=today,
            signals=[signal.key for signal, _reading in row.signals_on],
            signals_on=len(row.signals_on),
        )
        for row in read_signals(profiles.order_by("employee_number"), today=today)
        if row.signals_on
    ]
    with transaction.atomic():
        EarlyWarningFlag.objects.all().delete()
        EarlyWarningFlag.objects.bulk_create(rows)
    return len(rows)
