"""Daily rollups: one row per collector per company day (reporting.DailyCollectorFigures).

A day is recomputed whole, set-based (one grouped query per source, all collectors and
all days of a range at once; the figures' definitions are cases.figures'), inside one
transaction: safe to run twice and at any time. What triggers it:
- every refresh (a beat job every five minutes) recomputes today and yesterday, which
  covers the ordinary flow and the nightly promise settlement's bulk updates;
- saving a call, override, promise, payment or visit for an earlier day marks that day
  (signals below), and the next refresh recomputes it;
- a report run recomputes the days of its period before it reads them, so a report is
  exact even if data arrived by a bulk load that sends no signals.

`cases_held` is a snapshot (the open cases held at the day's end, cases.figures.cases_held),
computed with the day from the assignment history, so a past day keeps what it was then;
an assignment row written for an earlier day changes every day since, and marks them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases.figures import DAILY_FIGURES, cases_held_by_day, daily_figures, empty_figures
from cases.snapshots import refresh_case_status_counts
from collections_office.workdays import company_tz

from .models import DailyCollectorFigures, RollupDirtyDay
from .rollup_sources import EXTRA_FIGURES, extra_figures

# The figures a rollup row stores: exactly the daily figures of cases.figures, the one
# definition the collectors' weekly report sums too.
FIGURES = DAILY_FIGURES


def company_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(company_tz()).date()


def _collectors() -> dict[int, int]:
    """user id → branch id of everyone who works cases (active or not: a leaver's past
    days still count)."""
    from staff import roles
    from staff.models import StaffProfile

    return dict(
        StaffProfile.objects.filter(
            user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR]
        )
        .values_list("user_id", "branch_id")
        .distinct()
    )


def compute_days(start: dt.date, end: dt.date, *, collectors: dict[int, int] | None = None) -> int:
    """Recomputes the days [start, end] for every collector, set-based (one grouped query
    per source for a week of the range at a time, cases.figures.daily_figures), each week
    in one transaction; returns the rows written. Safe to run twice and at any time."""
    collectors = _collectors() if collectors is None else collectors
    written = 0
    while start <= end:  # a week at a time: a year's rebuild holds one week in memory
        last = min(end, start + dt.timedelta(days=CHUNK_DAYS - 1))
        written += _compute_range(start, last, collectors)
        start = last + dt.timedelta(days=1)
    return written


CHUNK_DAYS = 7


def _compute_range(start: dt.date, end: dt.date, collectors: dict[int, int]) -> int:
    figures = daily_figures(collector_ids=list(collectors), start=start, end=end)
    # The finance and compliance columns (reporting.rollup_sources), on the same days.
    extra = extra_figures(collector_ids=list(collectors), start=start, end=end)
    # The snapshot of cases held at each day's end (of the collectors we know).
    held = {
        key: count
        for key, count in cases_held_by_day(start=start, end=end).items()
        if key[0] in collectors
    }
    for key in (extra.keys() | held.keys()) - figures.keys():
        figures[key] = empty_figures()
    now = timezone.now()
    rows = [
        DailyCollectorFigures(
            day=day,
            collector_id=user_id,
            branch_id=collectors[user_id],
            computed_at=now,
            **{key: values[key] for key in FIGURES},
            **extra.get((user_id, day), {}),
            cases_held=held.get((user_id, day), 0),
        )
        for (user_id, day), values in sorted(figures.items(), key=lambda item: item[0][::-1])
    ]
    with transaction.atomic():
        DailyCollectorFigures.objects.filter(day__gte=start, day__lte=end).delete()
        DailyCollectorFigures.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def compute_day(day: dt.date, *, collectors: dict[int, int] | None = None) -> int:
    """Recomputes one day for every collector; returns the rows written."""
    return compute_days(day, day, collectors=collectors)


def mark_dirty(day: dt.date) -> None:
    RollupDirtyDay.objects.update_or_create(day=day)


def mark_dirty_days(days: list[dt.date]) -> None:
    """Marks many days in one statement (a day already marked is marked again)."""
    RollupDirtyDay.objects.bulk_create(
        [RollupDirtyDay(day=day) for day in days],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["marked_at"],
    )


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days → runs of consecutive days (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def refresh() -> list[dt.date]:
    """Today, yesterday and every day marked since the last refresh."""
    today = company_day(timezone.now())
    marked = dict(RollupDirtyDay.objects.values_list("day", "marked_at"))
    days = sorted({today, today - dt.timedelta(days=1), *marked})
    collectors = _collectors()
    # Consecutive days together: one read of each source (and of the assignment history)
    # per run of days (a week at most), not per day.
    for first, last in _runs(days):
        compute_days(first, last, collectors=collectors)
    # The case-status panel's counts (cases.snapshots), on the same beat.
    refresh_case_status_counts()
    # A day marked again while we computed keeps its mark (its marked_at moved on).
    for day, marked_at in marked.items():
        RollupDirtyDay.objects.filter(day=day, marked_at=marked_at).delete()
    return days


def held_on(day: dt.date, collector_ids=None) -> dict[int, int]:
    """collector id → cases held at the end of `day` (the rollups' snapshot; today's is as
    of the last refresh). Collectors holding none are left out."""
    rows = DailyCollectorFigures.objects.filter(day=day, cases_held__gt=0)
    if collector_ids is not None:
        rows = rows.filter(collector_id__in=list(collector_ids))
    return dict(rows.values_list("collector_id", "cases_held"))


def period_figures(start: dt.date, end: dt.date) -> dict[int, dict]:
    """collector id → the period's sums of every figure (from the rollups)."""
    rows = (
        DailyCollectorFigures.objects.filter(day__gte=start, day__lte=end)
        .values("collector_id")
        .annotate(**{key: Sum(key) for key in (*FIGURES, *EXTRA_FIGURES)})
    )
    out = {}
    for row in rows:
        row = dict(row)
        row["amount_confirmed"] = row["amount_confirmed"] or Decimal("0.00")
        row["commission"] = row["commission"] or Decimal("0.00")
        out[row.pop("collector_id")] = row
    return out


# --- Marking days whose data changed (connected in ReportingConfig.ready) ---------------


def _mark_moment(moment) -> None:
    if moment is None:
        return
    day = company_day(moment)
    if day < company_day(timezone.now()) - dt.timedelta(days=1):
        transaction.on_commit(lambda: mark_dirty(day))


def _mark_date(day) -> None:
    if day is not None and day < company_day(timezone.now()) - dt.timedelta(days=1):
        transaction.on_commit(lambda: mark_dirty(day))


def on_assignment_saved(sender, instance, **kwargs):
    """An assignment row changes who held the case on its day and every day after it:
    the days before yesterday from its day on are marked (refresh covers the last two)."""
    if instance.assigned_at is None:
        return
    day = company_day(instance.assigned_at)
    last = company_day(timezone.now()) - dt.timedelta(days=2)
    if day > last:
        return
    days = [day + dt.timedelta(days=n) for n in range((last - day).days + 1)]

    transaction.on_commit(lambda: mark_dirty_days(days))


def on_call_saved(sender, instance, **kwargs):
    _mark_moment(instance.started_at)


def on_override_saved(sender, instance, **kwargs):
    _mark_moment(instance.granted_at)


def on_promise_saved(sender, instance, **kwargs):
    _mark_moment(instance.created_at)
    _mark_date(instance.due_on)  # promises kept count on their due day


def on_payment_saved(sender, instance, **kwargs):
    _mark_date(instance.paid_on)


def on_nomination_saved(sender, instance, **kwargs):
    _mark_moment(instance.nominated_at)


def on_visit_report_saved(sender, instance, **kwargs):
    _mark_moment(instance.visited_at)


def on_refusal_saved(sender, instance, **kwargs):
    _mark_moment(instance.refused_at)


def on_violation_saved(sender, instance, **kwargs):
    _mark_moment(instance.occurred_at)


def on_quality_review_saved(sender, instance, **kwargs):
    _mark_moment(instance.reviewed_at)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from cases.models import (
        CallLog,
        CallQualityReview,
        CaseAssignment,
        ComplianceOverride,
        ComplianceRefusal,
        ComplianceViolation,
        Payment,
        Promise,
        VisitNomination,
        VisitReport,
    )

    for model, handler in (
        (CallLog, on_call_saved),
        (ComplianceOverride, on_override_saved),
        (Promise, on_promise_saved),
        (Payment, on_payment_saved),
        (VisitNomination, on_nomination_saved),
        (VisitReport, on_visit_report_saved),
        (ComplianceRefusal, on_refusal_saved),
        (ComplianceViolation, on_violation_saved),
        (CallQualityReview, on_quality_review_saved),
        (CaseAssignment, on_assignment_saved),
    ):
        uid = f"reporting.rollup.{model.__name__}"
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.delete")
