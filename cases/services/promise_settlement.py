# ruff: noqa: S608 - table and column names come from the models; values are parameters
"""Promise settlement: the one code path that judges promises by their confirmed payments.

A promise counts the confirmed payments of its case paid within its window
(`counts_from` … `due_on`):
- paid at least the amount → kept (at once, even before the due date);
- otherwise, while the due date has not passed → open;
- after the due date: something paid → partly kept, nothing → broken.

`promises_settle(today=…)` runs nightly (shortly after midnight, company time) over
the open promises that fell due; `promises_settle(today=…, case_ids=[…])` re-judges
every live promise of some cases after a payment is confirmed or reversed — so a
confirmation after the due date still keeps the promise, and a reversal re-opens it.

Set-based SQL: one UPDATE … FROM the aggregated payments, which writes the history
rows of what it changed in the same statement, then the cases' queue columns. Only
rows whose status or amount paid change are written, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, Payment, Promise

HISTORY_REASON = "Settled by confirmed payments"


def _history_columns() -> tuple[str, str]:
    """(column list of the history insert, the SELECT list from the changed rows)."""
    columns = [field.column for field in Promise._meta.concrete_fields]
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(f'changed."{column}"' for column in columns)
    return (
        f"{names}, history_date, history_change_reason, history_type, history_user_id",
        f"{values}, %(now)s, %(reason)s, '~', NULL",
    )


def promises_settle(*, today: dt.date, case_ids: list[int] | None = None) -> int:
    """Judges promises as of company date `today`; returns how many changed.

    Without `case_ids`: the open promises due before `today` (the nightly run). With
    them: every promise of those cases that is not cancelled. The cases'
    `promise_due_on` / `promise_broken_on` (the queue reads them) follow: at once for
    `case_ids`; at night only where a promise was kept or a later one is open (see below).
    """
    if case_ids is not None and not case_ids:
        return 0
    if connection.vendor != "postgresql":
        return _promises_settle_orm(today=today, case_ids=case_ids)
    now = timezone.now()
    promise_table = Promise._meta.db_table
    history_table = Promise.history.model._meta.db_table
    payment_table = Payment._meta.db_table
    if case_ids is None:
        scope = "p.status = 'open' AND p.due_on < %(today)s"
    else:
        scope = "p.case_id = ANY(%(case_ids)s) AND p.status <> 'cancelled'"
    history_names, history_values = _history_columns()
    sql = f"""
        WITH judged AS (
            SELECT p.id, paid.total,
                   CASE WHEN paid.total >= p.amount THEN 'kept'
                        WHEN p.due_on >= %(today)s THEN 'open'
                        WHEN paid.total > 0 THEN 'partly_kept'
                        ELSE 'broken' END AS status
            FROM {promise_table} p
            CROSS JOIN LATERAL (
                SELECT COALESCE(SUM(pay.amount), 0) AS total
                FROM {payment_table} pay
                WHERE pay.case_id = p.case_id
                  AND pay.status = 'confirmed'
                  AND pay.paid_on BETWEEN p.counts_from AND p.due_on
            ) paid
            WHERE {scope}
        ), changed AS (
            UPDATE {promise_table} p
            SET status = judged.status,
                amount_paid = judged.total,
                settled_at = CASE WHEN judged.status = 'open' THEN NULL ELSE %(now)s END
            FROM judged
            WHERE p.id = judged.id
              AND (p.status <> judged.status OR p.amount_paid <> judged.total)
            RETURNING p.*
        ), logged AS (
            INSERT INTO {history_table} ({history_names})
            SELECT {history_values} FROM changed
        )
        SELECT changed.case_id, count(*),
               bool_or(changed.status = 'kept') OR EXISTS (
                   SELECT 1 FROM {promise_table} later
                   WHERE later.case_id = changed.case_id AND later.status = 'open'
                     AND later.due_on >= %(today)s)
        FROM changed GROUP BY changed.case_id
    """
    params = {"today": today, "now": now, "case_ids": case_ids, "reason": HISTORY_REASON}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        changed = sum(count for _case, count, _moves in rows)
        if case_ids is None:
            # The nightly run leaves alone a case whose settled promise broke (or was partly
            # kept) with no open promise after it: its `promise_due_on`, now in the past,
            # already says "broken" to the queue (cases/selectors/money.py), and rewriting
            # ~every settled case's row (ten indexes) was two thirds of the night's cost.
            # A promise kept, or a later open one (a plan's next instalment), moves it.
            affected = sorted(case for case, _count, moves in rows if moves)
            bump = set(affected)
        else:
            affected = sorted(case_ids)
            bump = {case for case, _count, _moves in rows}
        _case_columns_update(cursor, affected, now=now, bump=bump)
    return changed


def _case_columns_update(cursor, case_ids: list[int], *, now, bump: set[int]) -> None:
    """The queue's columns of `case_ids`, from their promises (one statement)."""
    if not case_ids:
        return
    case_table = Case._meta.db_table
    promise_table = Promise._meta.db_table
    # Parallel arrays joined as a table: `id = ANY(array)` per row would cost n² here.
    bumps = [case_id in bump for case_id in case_ids]
    cursor.execute(
        f"""
        UPDATE {case_table} c
        SET promise_due_on = s.next_due,
            promise_broken_on = s.broken_on,
            updated_at = CASE WHEN s.bump THEN %(now)s ELSE c.updated_at END
        FROM (
            SELECT ids.id, ids.bump,
                   (SELECT min(p.due_on) FROM {promise_table} p
                    WHERE p.case_id = ids.id AND p.status = 'open') AS next_due,
                   -- The latest settled promise, if it broke and no promise was
                   -- recorded since (a plan's later instalments were recorded before).
                   (SELECT CASE WHEN p.status IN ('broken', 'partly_kept')
                                 AND NOT EXISTS (
                                     SELECT 1 FROM {promise_table} newer
                                     WHERE newer.case_id = ids.id AND newer.status = 'open'
                                       AND newer.created_at > p.settled_at)
                                THEN p.due_on + 1 END
                    FROM {promise_table} p
                    WHERE p.case_id = ids.id AND p.status IN ('kept', 'partly_kept', 'broken')
                    ORDER BY p.due_on DESC, p.id DESC LIMIT 1) AS broken_on
            FROM unnest(%(ids)s::bigint[], %(bumps)s::boolean[]) AS ids(id, bump)
        ) s
        WHERE c.id = s.id
          AND (c.promise_due_on IS DISTINCT FROM s.next_due
               OR c.promise_broken_on IS DISTINCT FROM s.broken_on
               OR s.bump)
        """,
        {"ids": case_ids, "bumps": bumps, "now": now},
    )


def _promises_settle_orm(*, today: dt.date, case_ids: list[int] | None) -> int:
    """The same judgement row by row, for the embedded SQLite default (`make run`: a demo's
    few hundred promises; the statement above is PostgreSQL's)."""
    from django.db.models import Sum

    now = timezone.now()
    if case_ids is None:
        promises = Promise.objects.filter(status="open", due_on__lt=today)
    else:
        promises = Promise.objects.filter(case_id__in=case_ids).exclude(status="cancelled")
    changed_cases: dict[int, bool] = {}
    changed = 0
    with transaction.atomic():
        for promise in promises.select_for_update():
            total = (
                Payment.objects.filter(
                    case_id=promise.case_id,
                    status="confirmed",
                    paid_on__gte=promise.counts_from,
                    paid_on__lte=promise.due_on,
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            if total >= promise.amount:
                status = "kept"
            elif promise.due_on >= today:
                status = "open"
            elif total > 0:
                status = "partly_kept"
            else:
                status = "broken"
            if promise.status == status and promise.amount_paid == total:
                continue
            promise.status = status
            promise.amount_paid = total
            promise.settled_at = None if status == "open" else now
            promise._change_reason = HISTORY_REASON
            promise.save(update_fields=["status", "amount_paid", "settled_at"])
            changed += 1
            changed_cases[promise.case_id] = changed_cases.get(promise.case_id, False) or (
                status == "kept"
            )
        if case_ids is None:
            affected = sorted(
                case
                for case, kept in changed_cases.items()
                if kept
                or Promise.objects.filter(case_id=case, status="open", due_on__gte=today).exists()
            )
            bump = set(affected)
        else:
            affected, bump = sorted(case_ids), set(changed_cases)
        for case in Case.objects.filter(pk__in=affected):
            open_dues = Promise.objects.filter(case=case, status="open").order_by("due_on")
            next_due = open_dues.values_list("due_on", flat=True).first()
            latest = (
                Promise.objects.filter(case=case, status__in=["kept", "partly_kept", "broken"])
                .order_by("-due_on", "-pk")
                .first()
            )
            broken_on = None
            if (
                latest is not None
                and latest.status in ("broken", "partly_kept")
                and not Promise.objects.filter(
                    case=case, status="open", created_at__gt=latest.settled_at
                ).exists()
            ):
                broken_on = latest.due_on + dt.timedelta(days=1)
            fields = {"promise_due_on": next_due, "promise_broken_on": broken_on}
            if case.pk in bump:
                fields["updated_at"] = now
            if (
                case.promise_due_on != next_due
                or case.promise_broken_on != broken_on
                or case.pk in bump
            ):
                Case.objects.filter(pk=case.pk).update(**fields)
    return changed
