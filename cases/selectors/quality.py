"""Scoped reads of call quality reviews: the reviews, the calls a supervisor may score,
and the scores per collector per month."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Min, QuerySet
from django.db.models.functions import TruncMonth

from cases.models import CallLog, CallQualityReview
from collections_office.workdays import company_tz

from .reports import period_bounds


def review_list(*, user) -> QuerySet[CallQualityReview]:
    return CallQualityReview.objects.visible_to(user).select_related(
        "call", "call__outcome", "case", "collector", "reviewer", "confirmed_violation"
    )


def reviewable_calls(*, user) -> QuerySet[CallLog]:
    """Completed calls of the supervisor's branch not reviewed yet (newest first)."""
    return (
        CallLog.objects.visible_to(user)
        .filter(status=CallLog.Status.COMPLETED, quality_reviews__isnull=True)
        .select_related("case", "collector", "outcome")
        .order_by("-started_at", "-pk")
    )


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last `count` months, oldest first (this month last)."""
    months, month = [], today.replace(day=1)
    for _step in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def scores_by_collector_and_month(*, user, months: list[dt.date]) -> list[dict]:
    """One row per collector: name and, per month, (average score, reviews, lowest)."""
    if not months:
        return []
    start, _end = period_bounds(months[0], months[0])
    last = months[-1]
    _start, end = period_bounds(
        last, (last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    )
    rows = (
        review_list(user=user)
        .filter(reviewed_at__gte=start, reviewed_at__lt=end)
        .annotate(month=TruncMonth("reviewed_at", tzinfo=company_tz()))
        .order_by()
        .values(
            "collector_id",
            "collector__first_name",
            "collector__last_name",
            "collector__username",
            "month",
        )
        .annotate(average=Avg("score"), count=Count("pk"), lowest=Min("score"))
    )
    table: dict[int, dict] = {}
    for row in rows:
        name = (
            " ".join(
                part for part in (row["collector__first_name"], row["collector__last_name"]) if part
            )
            or row["collector__username"]
        )
        entry = table.setdefault(
            row["collector_id"], {"collector_id": row["collector_id"], "name": name, "months": {}}
        )
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        entry["months"][month] = {
            "average": round(row["average"]),
            "count": row["count"],
            "lowest": row["lowest"],
        }
    for entry in table.values():
        entry["cells"] = [entry["months"].get(month) for month in months]
    return sorted(table.values(), key=lambda entry: entry["name"])
