"""The rollup columns of the finance and compliance reports (issue 13), per collector per
company day, set-based over a range of days (one grouped query per source):

- commission: the agency's commission on the collector's confirmed payments, on their
  payment date — `cases.commission.with_commission`, the one home of the rule (per
  payment rounded to cents, then summed; 0 for a case not placed with the agency that
  day);
- refusals: contacts the compliance rules refused the collector (`refused_at`);
- violations: confirmed compliance violations, on the day the breach happened
  (`occurred_at`; a violation confirmed later marks that day for recomputation);
- quality_reviews / quality_low: call quality reviews of the collector's calls on the day
  they were scored (`reviewed_at`), and those scoring below the violation threshold
  (`cases.services.quality.violation_threshold`, read when the day is computed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from collections_office.workdays import company_tz

EXTRA_FIGURES = ("commission", "refusals", "violations", "quality_reviews", "quality_low")


def _instant_range(start: dt.date, end: dt.date):
    tz = company_tz()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, finish


def extra_figures(
    *, collector_ids: list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], dict]:
    """(collector id, day) → the non-zero EXTRA_FIGURES of that day."""
    from cases.commission import with_commission
    from cases.models import CallQualityReview, ComplianceRefusal, ComplianceViolation, Payment
    from cases.services.quality import violation_threshold

    tz = company_tz()
    begin, finish = _instant_range(start, end)
    out: dict[tuple[int, dt.date], dict] = defaultdict(dict)

    payments = with_commission(
        Payment.objects.filter(
            claimed_by_id__in=collector_ids,
            status="confirmed",
            paid_on__gte=start,
            paid_on__lte=end,
        )
    )
    for row in payments.values("claimed_by_id", "paid_on").annotate(total=Sum("commission")):
        if row["total"]:
            out[(row["claimed_by_id"], row["paid_on"])]["commission"] = row["total"]

    def counted(queryset, moment: str, **aggregates):
        rows = (
            queryset.filter(
                collector_id__in=collector_ids,
                **{f"{moment}__gte": begin, f"{moment}__lt": finish},
            )
            .annotate(_day=TruncDate(moment, tzinfo=tz))
            .values("collector_id", "_day")
            .annotate(**aggregates)
        )
        for row in rows:
            for key in aggregates:
                if row[key]:
                    out[(row["collector_id"], row["_day"])][key] = row[key]

    counted(ComplianceRefusal.objects.all(), "refused_at", refusals=Count("pk"))
    counted(ComplianceViolation.objects.all(), "occurred_at", violations=Count("pk"))
    counted(
        CallQualityReview.objects.all(),
        "reviewed_at",
        quality_reviews=Count("pk"),
        quality_low=Count("pk", filter=Q(score__lt=violation_threshold())),
    )
    return out


def empty_extra() -> dict:
    values = dict.fromkeys(EXTRA_FIGURES, 0)
    values["commission"] = Decimal("0.00")
    return values
