"""bench_workflow, promises and payments: 500,000 promises and 300,000 payments on the loaded
cases (generated inside PostgreSQL, like the rest of the load), and the nightly settlement
timed over them.

`--add-promises` adds them to a database already loaded (the cases and calls stay as they
are; only rows of the promise and payment tables are added). Promises are spread over
the last 60 days and the next 30 (due dates), all still open as if the nightly run had
never happened, so the first timed run settles the whole backlog (~2/3 of them: the worst
case); the second run is the steady state (nothing changed: it must still be quick). A
floor is printed beside it: the same scan of the promises without payments or writes.
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from cases.services.promise_settlement import promises_settle
from collections_office.workdays import local_date

from .workflow_data import PREFIX

CHUNK = 250_000


class MoneyData:
    def __init__(self, stdout):
        self.stdout = stdout

    def load(self, *, promises: int, payments: int) -> None:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute(
                "SELECT min(id), max(id) FROM cases_case WHERE account_no LIKE 'BENCH%%' "
                "AND assigned_to_id IS NOT NULL"
            )
            low, high = cursor.fetchone()
            if low is None:
                self.stdout.write("no bench cases: load them first (bench_workflow)")
                return
            supervisor = (
                User.objects.filter(username__startswith=f"{PREFIX}-supervisor-")
                .values_list("pk", flat=True)
                .first()
            )
            span = high - low + 1
            params = {"low": low, "span": span, "now": timezone.now(), "sup": supervisor}
            for first in range(1, promises + 1, CHUNK):
                last = min(promises, first + CHUNK - 1)
                cursor.execute(_PROMISES_SQL, {**params, "first": first, "last": last})
                self.stdout.write(f"  promises {last:,}")
            for first in range(1, payments + 1, CHUNK):
                last = min(payments, first + CHUNK - 1)
                cursor.execute(_PAYMENTS_SQL, {**params, "first": first, "last": last})
                self.stdout.write(f"  payments {last:,}")
            cursor.execute("ANALYZE cases_promise")
            cursor.execute("ANALYZE cases_payment")
        self.stdout.write(f"promises and payments loaded in {time.monotonic() - started:.0f} s")

    def time_settlement(self) -> dict:
        """Three timed runs: the backlog (every open promise that fell due, as on the first
        night after deploying), the same night again (nothing to do), and an ordinary
        night (yesterday's promises re-opened and settled). The floor beside them: the same
        reads and sums over the backlog's promises, without writing anything."""
        today = local_date(timezone.now())
        yesterday = today - dt.timedelta(days=1)
        with connection.cursor() as cursor:
            started = time.monotonic()
            cursor.execute(_FLOOR_SQL, {"today": today})
            due, _paid = cursor.fetchone()
            floor = time.monotonic() - started
        started = time.monotonic()
        changed = promises_settle(today=today)
        backlog = time.monotonic() - started
        started = time.monotonic()
        again = promises_settle(today=today)
        second = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_promise SET status = 'open', amount_paid = 0, settled_at = NULL "
                "WHERE due_on = %s AND plan_id IS NULL AND status <> 'cancelled'",
                [yesterday],
            )
            reopened = cursor.rowcount
        started = time.monotonic()
        nightly_changed = promises_settle(today=today)
        nightly = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, count(*) FROM cases_promise GROUP BY status ORDER BY 1")
            statuses = dict(cursor.fetchall())
        rows = [
            (f"floor: read and sum the {due:,} due promises (no writes)", floor),
            (f"backlog (first night): {changed:,} settled", backlog),
            (f"same night again: {again:,} changed", second),
            (f"ordinary night: {nightly_changed:,} settled of {reopened:,} due", nightly),
        ]
        self.stdout.write("nightly promise settlement:")
        for label, seconds in rows:
            self.stdout.write(f"  {label:<58} {seconds:8.2f} s")
        self.stdout.write(f"  statuses now: {statuses}")
        return {
            "due": due,
            "backlog": backlog,
            "second": second,
            "nightly": nightly,
            "floor": floor,
        }


_FLOOR_SQL = """
    SELECT count(*), sum(paid.total)
    FROM cases_promise p
    CROSS JOIN LATERAL (
        SELECT COALESCE(SUM(pay.amount), 0) AS total FROM cases_payment pay
        WHERE pay.case_id = p.case_id AND pay.status = 'confirmed'
          AND pay.paid_on BETWEEN p.counts_from AND p.due_on
    ) paid
    WHERE p.status = 'open' AND p.due_on < %(today)s
"""

# Promise g lands on case low + (g * 7919) mod span (the calls' spread), when assigned; its
# amount and due date are functions of g, so payment g can aim at promise g.
_PROMISES_SQL = """
    INSERT INTO cases_promise (case_id, amount, due_on, counts_from, status, amount_paid,
        made_by_id, call_id, plan_id, plan_instalment, notes, settled_at, cancelled_reason,
        created_at)
    SELECT c.id, 100 + (g * 37) %% 4900, current_date - 60 + (g %% 90),
        current_date - 67 + (g %% 90), 'open', 0, c.assigned_to_id, NULL, NULL, NULL, '',
        NULL, '', %(now)s
    FROM generate_series(%(first)s, %(last)s) g
    JOIN cases_case c ON c.id = %(low)s + (g::bigint * 7919) %% %(span)s
    WHERE c.assigned_to_id IS NOT NULL
"""

# Payment g pays promise g: in full (2 in 3) or half, inside its window (8 in 10) or
# after it; 9 in 10 confirmed, the rest still claimed.
_PAYMENTS_SQL = """
    INSERT INTO cases_payment (case_id, amount, paid_on, channel, reference, receipt,
        receipt_sha256, receipt_content_type, over_balance_reason, status, claimed_by_id,
        claimed_at, confirmed_by_id, confirmed_at, rejected_by_id, rejected_at,
        rejected_reason, reversed_by_id, reversed_at, reversed_reason, applied_fees,
        applied_interest, applied_principal)
    SELECT c.id,
        CASE WHEN g %% 3 = 0 THEN round((100 + (g * 37) %% 4900) / 2.0, 2)
             ELSE 100 + (g * 37) %% 4900 END,
        current_date - 60 + (g %% 90) - (g %% 10) + 2,
        CASE WHEN g %% 2 = 0 THEN 'to_bank' ELSE 'to_agency' END,
        'BENCH-' || g, '', '', '', '',
        CASE WHEN g %% 10 = 0 THEN 'claimed' ELSE 'confirmed' END,
        c.assigned_to_id, %(now)s,
        CASE WHEN g %% 10 = 0 THEN NULL ELSE %(sup)s END,
        CASE WHEN g %% 10 = 0 THEN NULL ELSE %(now)s END,
        NULL, NULL, '', NULL, NULL, '', 0, 0, 0
    FROM generate_series(%(first)s, %(last)s) g
    JOIN cases_case c ON c.id = %(low)s + (g::bigint * 7919) %% %(span)s
    WHERE c.assigned_to_id IS NOT NULL
"""
