"""What a collector did on each company day: the one definition of every work figure.

Both readers use this module, so a figure means the same everywhere:
- the collectors' weekly progress report (cases.selectors.reports.collector_figures)
  sums the days of its week;
- reporting's daily rollups (reporting.rollups.compute_days) store the days, and every
  report and dashboard sums those rows (reporting reads cases, never the reverse).

Definitions (docs/decisions.md, "Dashboards"); every day is a company day
(COMPANY_TIME_ZONE), every figure belongs to one collector:
- calls: calls the collector logged that started that day;
- contacts: those calls where the debtor was reached and the outcome counts as a
  conversation;
- overrides: compliance overrides granted for the collector that day;
- promises_made: promises the collector recorded (`made_by`) that day;
- promises_kept: the collector's promises due that day whose status is kept;
- amount_confirmed: confirmed payments the collector claimed, on their payment date
  (`paid_on`, as the performance figures and the commission read them);
- visits_requested: visits the collector nominated that day;
- visits_done: visit reports of visits the collector nominated, on the day of the visit;
- sla_breaches: first-action service-level breaches of the cases assigned to the
  collector that day (first action later than FIRST_ACTION_SLA_MINUTES after the
  assignment, or none yet and the window has passed).

Set-based: one grouped query per source for all collectors and all days of the range
(nine queries whatever the number of collectors or days).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from collections_office.workdays import company_tz

ZERO = Decimal("0.00")

# The daily figures, in the order reports show them.
DAILY_FIGURES = (
    "calls",
    "contacts",
    "overrides",
    "promises_made",
    "promises_kept",
    "amount_confirmed",
    "visits_requested",
    "visits_done",
    "sla_breaches",
)


def empty_figures() -> dict:
    figures = dict.fromkeys(DAILY_FIGURES, 0)
    figures["amount_confirmed"] = ZERO
    return figures


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = company_tz()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _by_day(queryset, user_field: str, day, **aggregates):
    """(user id, day) → row of aggregates."""
    rows = queryset.annotate(day=day).values(user_field, "day").annotate(**aggregates).order_by()
    for row in rows:
        yield row[user_field], row["day"], row


def daily_figures(
    *, collector_ids: Iterable[int], start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[tuple[int, dt.date], dict]:
    """{(collector id, day): {figure: value}} for the days [start, end] with any work.

    Days without any figure are left out; a present day has every key (0 / 0.00).
    Not scoped: the caller decides whose figures may be shown.
    """
    from cases.models import (
        CallLog,
        Case,
        ComplianceOverride,
        Party,
        Payment,
        Promise,
        VisitNomination,
        VisitReport,
    )

    from .selectors.assignment import first_action_sla

    ids = sorted(set(collector_ids))
    if not ids:
        return {}
    now = now or timezone.now()
    tz = company_tz()
    since, until = _bounds(start, end)

    def local_day(field: str):
        return TruncDate(field, tzinfo=tz)

    window = first_action_sla()
    sources = [
        _by_day(
            CallLog.objects.filter(
                collector_id__in=ids, started_at__gte=since, started_at__lt=until
            ),
            "collector_id",
            local_day("started_at"),
            calls=Count("pk"),
            contacts=Count("pk", filter=Q(party=Party.DEBTOR, outcome__conversation=True)),
        ),
        _by_day(
            ComplianceOverride.objects.filter(
                collector_id__in=ids, granted_at__gte=since, granted_at__lt=until
            ),
            "collector_id",
            local_day("granted_at"),
            overrides=Count("pk"),
        ),
        _by_day(
            Promise.objects.filter(made_by_id__in=ids, created_at__gte=since, created_at__lt=until),
            "made_by_id",
            local_day("created_at"),
            promises_made=Count("pk"),
        ),
        _by_day(
            Promise.objects.filter(
                made_by_id__in=ids, status="kept", due_on__gte=start, due_on__lte=end
            ),
            "made_by_id",
            F("due_on"),
            promises_kept=Count("pk"),
        ),
        _by_day(
            Payment.objects.filter(
                claimed_by_id__in=ids, status="confirmed", paid_on__gte=start, paid_on__lte=end
            ),
            "claimed_by_id",
            F("paid_on"),
            amount_confirmed=Sum("amount"),
        ),
        _by_day(
            VisitNomination.objects.filter(
                nominated_by_id__in=ids, nominated_at__gte=since, nominated_at__lt=until
            ),
            "nominated_by_id",
            local_day("nominated_at"),
            visits_requested=Count("pk"),
        ),
        _by_day(
            VisitReport.objects.filter(
                nomination__nominated_by_id__in=ids, visited_at__gte=since, visited_at__lt=until
            ),
            "nomination__nominated_by_id",
            local_day("visited_at"),
            visits_done=Count("pk"),
        ),
        _by_day(
            Case.objects.filter(
                assigned_to_id__in=ids, assigned_at__gte=since, assigned_at__lt=until
            ).filter(
                Q(first_action_at__isnull=True, assigned_at__lt=now - window)
                | Q(first_action_at__gt=F("assigned_at") + window)
            ),
            "assigned_to_id",
            local_day("assigned_at"),
            sla_breaches=Count("pk"),
        ),
    ]
    figures: dict[tuple[int, dt.date], dict] = defaultdict(empty_figures)
    for source in sources:
        for user_id, day, row in source:
            values = figures[(user_id, day)]
            for key in DAILY_FIGURES:
                if row.get(key):
                    values[key] = row[key]
    return dict(figures)


def period_figures(
    *, collector_ids: Iterable[int], start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, dict]:
    """{collector id: the period's sums of every daily figure}; every collector asked
    about has a row (zeros when they did nothing)."""
    ids = sorted(set(collector_ids))
    totals = {pk: empty_figures() for pk in ids}
    for (user_id, _day), values in daily_figures(
        collector_ids=ids, start=start, end=end, now=now
    ).items():
        row = totals[user_id]
        for key in DAILY_FIGURES:
            row[key] += values[key]
    return totals


# --- Cases held: a moment's figure, not a sum of days ----------------------------------------
#
# cases_held at a moment = the open cases that were with the collector then:
# - the holder is the `to_collector` of the case's last assignment row (CaseAssignment)
#   before the moment; a case without any assignment row before it: its current holder
#   (`assigned_to`) if assigned before the moment (or with no assignment time: data from
#   before the assignment history);
# - a case recalled by then (`recalled_at` before the moment) is not held; a settled or
#   closed case is not held (no time is recorded for those statuses, so the current status
#   decides: the one part that is not history-correct; no flow of the product sets them).
# The daily rollups store it at each day's end (reporting.DailyCollectorFigures.cases_held),
# and reports read the snapshot of their period's last day; the collectors' weekly progress
# report asks for one collector at one moment. One query for any number of moments.

# Set-based over any number of moments in one pass of the cases: for each case (or
# assignment row) the moments at which it is held form a run (lo, hi] of the sorted
# moments — width_bucket(x, moments) = how many moments are ≤ x — so the cases are grouped
# by (holder, lo, hi) first and only those few groups are spread over the moments.
HELD_SQL = """
WITH m AS (
    SELECT %(moments)s::timestamptz[] AS arr, cardinality(%(moments)s::timestamptz[]) AS n
),
first_rows AS (
    SELECT case_id, min(assigned_at) AS first_at FROM cases_caseassignment GROUP BY case_id
),
spans AS (
    -- No assignment row before the moment: the current holder, from the assignment time.
    SELECT c.assigned_to_id AS holder,
        coalesce(width_bucket(c.assigned_at, m.arr), 0) AS lo,
        least(
            coalesce(width_bucket(c.recalled_at, m.arr), m.n),
            coalesce(width_bucket(f.first_at, m.arr), m.n)
        ) AS hi
    FROM cases_case c
    CROSS JOIN m
    LEFT JOIN first_rows f ON f.case_id = c.id
    WHERE c.assigned_to_id IS NOT NULL AND c.status NOT IN ('settled', 'closed') {case_filter}
    UNION ALL
    -- The last assignment row before the moment: from its time until the next row's.
    SELECT h.to_collector_id,
        width_bucket(h.assigned_at, m.arr),
        least(
            coalesce(width_bucket(h.next_at, m.arr), m.n),
            coalesce(width_bucket(c.recalled_at, m.arr), m.n)
        )
    FROM (
        SELECT a.case_id, a.to_collector_id, a.assigned_at,
            lead(a.assigned_at) OVER (PARTITION BY a.case_id ORDER BY a.assigned_at, a.id)
                AS next_at
        FROM cases_caseassignment a
        {history_filter}
    ) h
    CROSS JOIN m
    JOIN cases_case c ON c.id = h.case_id
    WHERE h.to_collector_id IS NOT NULL AND c.status NOT IN ('settled', 'closed')
),
grouped AS (
    SELECT holder, lo, hi, count(*) AS n FROM spans WHERE hi > lo {holder_filter}
    GROUP BY holder, lo, hi
)
SELECT g.holder, k, sum(g.n)::int
FROM grouped g CROSS JOIN LATERAL generate_series(g.lo + 1, g.hi) k
GROUP BY g.holder, k
"""


def cases_held(
    *, moments: dict, collector_ids: Iterable[int] | None = None
) -> dict[tuple[int, object], int]:
    """{(collector id, key): cases held at moments[key]} for every collector holding any
    (or only `collector_ids`'); one query, one pass over the cases. Not scoped."""
    from django.db import connection, transaction

    if not moments:
        return {}
    ordered = sorted(set(moments.values()))
    keys_at: dict = defaultdict(list)
    for key, moment in moments.items():
        keys_at[ordered.index(moment) + 1].append(key)
    params: dict = {"moments": ordered}
    case_filter = history_filter = holder_filter = ""
    if collector_ids is not None:
        params["ids"] = sorted(set(collector_ids))
        case_filter = "AND c.assigned_to_id = ANY(%(ids)s)"
        history_filter = (
            "WHERE a.case_id IN (SELECT case_id FROM cases_caseassignment "
            "WHERE to_collector_id = ANY(%(ids)s))"
        )
        holder_filter = "AND holder = ANY(%(ids)s)"
    sql = HELD_SQL.format(
        case_filter=case_filter, history_filter=history_filter, holder_filter=holder_filter
    )
    if connection.vendor != "postgresql":  # the embedded default (SQLite): same rule in Python
        counted = _cases_held_in_python(ordered, collector_ids)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            # One pass over a million cases is cheap; PostgreSQL's JIT compiling the query
            # for it first cost 3.7 s (issue 13's benchmark). Off for this query only.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, params)
            counted = cursor.fetchall()
    return {(holder, key): count for holder, index, count in counted for key in keys_at[index]}


def _cases_held_in_python(ordered: list, collector_ids) -> list[tuple[int, int, int]]:
    """HELD_SQL's rule row by row, for the embedded SQLite default (a demo's few hundred
    cases): [(holder, 1-based index of the moment in `ordered`, count)]. At a moment the
    holder is the last assignment row's `to_collector` strictly before it, else the current
    holder if assigned strictly before it (or at no recorded time); a recalled case is held
    only at moments up to `recalled_at`."""
    from cases.models import Case, CaseAssignment

    wanted = None if collector_ids is None else set(collector_ids)
    history: dict[int, list] = defaultdict(list)
    for case_id, to_id, at in CaseAssignment.objects.order_by(
        "case_id", "assigned_at", "id"
    ).values_list("case_id", "to_collector_id", "assigned_at"):
        history[case_id].append((at, to_id))
    counts: dict[tuple[int, int], int] = defaultdict(int)
    open_cases = Case.objects.exclude(status__in=("settled", "closed")).values_list(
        "id", "assigned_to_id", "assigned_at", "recalled_at"
    )
    for case_id, holder, assigned_at, recalled_at in open_cases:
        rows = history.get(case_id, [])
        for index, moment in enumerate(ordered, start=1):
            if recalled_at is not None and moment > recalled_at:
                break  # the moments are sorted: recalled for every later one too
            earlier = [to_id for at, to_id in rows if at < moment]
            if earlier:
                who = earlier[-1]
            elif assigned_at is None or assigned_at < moment:
                who = holder
            else:
                who = None
            if who is not None and (wanted is None or who in wanted):
                counts[(who, index)] += 1
    return [(holder, index, count) for (holder, index), count in counts.items()]


def day_end(day: dt.date) -> dt.datetime:
    """The end of a company day (the next day's 00:00, company time)."""
    return _bounds(day, day)[1]


def cases_held_by_day(
    *, start: dt.date, end: dt.date, collector_ids: Iterable[int] | None = None
) -> dict[tuple[int, dt.date], int]:
    """{(collector id, day): cases held at the end of that company day} for [start, end]."""
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return cases_held(moments={day: day_end(day) for day in days}, collector_ids=collector_ids)
