"""Daily rollups: one row per collector per company day (reporting.DailyCollectorFigures).

A day is recomputed whole, set-based (one grouped query per source, all collectors at
once), inside one transaction: safe to run twice and at any time. What triggers it:
- every refresh (a beat job every five minutes) recomputes today and yesterday, which
  covers the ordinary flow and the nightly promise settlement's bulk updates;
- saving a call, override, promise, payment or visit for an earlier day marks that day
  (signals below), and the next refresh recomputes it;
- a report run recomputes the days of its period before it reads them, so a report is
  exact even if data arrived by a bulk load that sends no signals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from collections_office.workdays import company_tz

from .kinds import period_bounds
from .models import DailyCollectorFigures, RollupDirtyDay
from .rollup_sources import EXTRA_FIGURES, extra_figures

FIGURES = (
    "calls",
    "contacts",
    "overrides",
    "promises_made",
    "promises_kept",
    "amount_confirmed",
    "visits_requested",
    "visits_done",
)


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


def _grouped(queryset, user_field: str, **aggregates) -> dict[int, dict]:
    rows = queryset.values(user_field).annotate(**aggregates)
    return {row[user_field]: row for row in rows}


def compute_day(day: dt.date, *, collectors: dict[int, int] | None = None) -> int:
    """Recomputes one day for every collector; returns the rows written."""
    from cases.models import (
        CallLog,
        ComplianceOverride,
        Payment,
        Promise,
        VisitNomination,
        VisitReport,
    )

    collectors = _collectors() if collectors is None else collectors
    ids = list(collectors)
    begin, finish = period_bounds(day, day)
    in_day = {"__gte": begin, "__lt": finish}

    def between(field):
        return {f"{field}{suffix}": value for suffix, value in in_day.items()}

    sources = [
        _grouped(
            CallLog.objects.filter(collector_id__in=ids, **between("started_at")),
            "collector_id",
            calls=Count("pk"),
            contacts=Count("pk", filter=Q(outcome__conversation=True)),
        ),
        _grouped(
            ComplianceOverride.objects.filter(collector_id__in=ids, **between("granted_at")),
            "collector_id",
            overrides=Count("pk"),
        ),
        _grouped(
            Promise.objects.filter(made_by_id__in=ids, **between("created_at")),
            "made_by_id",
            promises_made=Count("pk"),
        ),
        _grouped(
            Promise.objects.filter(made_by_id__in=ids, status="kept", **between("settled_at")),
            "made_by_id",
            promises_kept=Count("pk"),
        ),
        _grouped(
            Payment.objects.filter(claimed_by_id__in=ids, status="confirmed", paid_on=day),
            "claimed_by_id",
            amount_confirmed=Sum("amount"),
        ),
        _grouped(
            VisitNomination.objects.filter(nominated_by_id__in=ids, **between("nominated_at")),
            "nominated_by_id",
            visits_requested=Count("pk"),
        ),
        _grouped(
            VisitReport.objects.filter(field_collector_id__in=ids, **between("visited_at")),
            "field_collector_id",
            visits_done=Count("pk"),
        ),
    ]
    figures: dict[int, dict] = defaultdict(dict)
    for source in sources:
        for user_id, row in source.items():
            for key in FIGURES:
                if row.get(key):
                    figures[user_id][key] = row[key]
    for (user_id, _day), values in extra_figures(collector_ids=ids, start=day, end=day).items():
        figures[user_id].update(values)
    now = timezone.now()
    rows = [
        DailyCollectorFigures(
            day=day, collector_id=user_id, branch_id=collectors[user_id], computed_at=now, **values
        )
        for user_id, values in figures.items()
    ]
    with transaction.atomic():
        DailyCollectorFigures.objects.filter(day=day).delete()
        DailyCollectorFigures.objects.bulk_create(rows)
    return len(rows)


def compute_days(start: dt.date, end: dt.date) -> int:
    collectors = _collectors()
    written = 0
    day = start
    while day <= end:
        written += compute_day(day, collectors=collectors)
        day += dt.timedelta(days=1)
    return written


def mark_dirty(day: dt.date) -> None:
    RollupDirtyDay.objects.update_or_create(day=day)


def refresh() -> list[dt.date]:
    """Today, yesterday and every day marked since the last refresh."""
    today = company_day(timezone.now())
    marked = dict(RollupDirtyDay.objects.values_list("day", "marked_at"))
    days = sorted({today, today - dt.timedelta(days=1), *marked})
    collectors = _collectors()
    for day in days:
        compute_day(day, collectors=collectors)
    # A day marked again while we computed keeps its mark (its marked_at moved on).
    for day, marked_at in marked.items():
        RollupDirtyDay.objects.filter(day=day, marked_at=marked_at).delete()
    return days


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


def on_call_saved(sender, instance, **kwargs):
    _mark_moment(instance.started_at)


def on_override_saved(sender, instance, **kwargs):
    _mark_moment(instance.granted_at)


def on_promise_saved(sender, instance, **kwargs):
    _mark_moment(instance.created_at)
    _mark_moment(instance.settled_at)


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
    ):
        uid = f"reporting.rollup.{model.__name__}"
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.delete")
