"""Monthly reconciliation and commission statements (DESIGN §8, issue 13).

`statement_prepare` reconciles one agreement's month: it reads the agency's payments and
the bank's repayments in two queries, matches them with the pure rule of
`cases.reconciliation` and writes the draft (a re-run replaces the draft; an approved
month is only ever corrected by a new version, `statement_correct`). `statement_approve`
is finance's decision: the matched payments are confirmed through the payments service
(history, balances and promises move exactly as on a confirmation by hand) and the
statement is frozen. `statement_publish` makes it readable by the bank.

State machine (TRANSITIONS): draft → approved → published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import reconciliation
from cases.access import STATEMENT_ROLES
from cases.commission import with_commission
from cases.models import (
    Agreement,
    BankRepayment,
    Payment,
    RepaymentFile,
    Statement,
    StatementLine,
    StatementLineNote,
)
from cases.models.statements import ZERO
from staff.selectors import get_scoped_object_or_404, has_role

from .payments import payments_confirm, payments_for_checking
from .promises import NON_FIELD, company_today

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Statement.Status.DRAFT: (Statement.Status.APPROVED,),
    Statement.Status.APPROVED: (Statement.Status.PUBLISHED,),
    Statement.Status.PUBLISHED: (),
}
LINE_BATCH = 5000


def transition_allowed(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, ())


def tolerance_days() -> int:
    """Days a payment's and a repayment's dates may be apart and still match (a setting,
    the same for every agreement: docs/decisions.md)."""
    return int(getattr(settings, "RECONCILIATION_TOLERANCE_DAYS", 3))


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def reconciliation_inputs(*, agreement: Agreement, month: dt.date, tolerance: int):
    """The two sides of one agreement's month, as tuples for `cases.reconciliation.match`.

    Payments: (id, account, amount, paid_on, status, case id) — claimed or confirmed,
    paid in the month, plus payments still claimed from the last `tolerance` days of the
    month before (so a payment on the 31st meets the bank's booking on the 2nd).
    Repayments: (id, account, amount, paid_on, reference, placed, case id, rate,
    commission) — the bank's, paid in the month, with the commission of the day paid.
    """
    first, last = month_bounds(month)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The commission's CASE (a correlated subquery for bucket rates) makes the
            # planner's cost estimate huge, and PostgreSQL then JIT-compiles the query:
            # 2–3 s of compiling for a query that runs in one (docs/benchmarks.md).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _inputs(agreement=agreement, first=first, last=last, tolerance=tolerance)


def _fetch_all(*querysets) -> list[list[tuple]]:
    """The rows of some `values_list` querysets, each fetched at once on a bare cursor.

    Django's row iterator fetches 100 rows at a time and runs each expression's
    converters on every row (0.6 s of CPU for the repayments' commission columns over
    100,000 rows, docs/benchmarks.md); psycopg already returns the types the matching
    needs (Decimal, date, bool). On PostgreSQL the queries go in one pipeline: the
    server computes the second while this process turns the first's rows into tuples
    (two cores, two halves of the work). SQLite returns text for those types: the
    ORM's way there.
    """
    if connection.vendor != "postgresql":
        return [list(queryset) for queryset in querysets]
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    statements = []
    for queryset in querysets:
        try:
            statements.append(queryset.query.sql_with_params())
        except EmptyResultSet:  # e.g. `__in` an empty list: no rows, no query
            statements.append(None)
    asked = [statement for statement in statements if statement is not None]
    with raw.pipeline():
        # ClientCursor: the parameters are bound as Django's own cursor binds them.
        cursors = [psycopg.ClientCursor(raw) for _ in asked]
        for cursor, (sql, params) in zip(cursors, asked, strict=True):
            cursor.execute(sql, params)
        fetched = iter([cursor.fetchall() for cursor in cursors])
    for cursor in cursors:
        cursor.close()
    if connection.queries_logged:  # tests count these queries like any other
        for sql, params in asked:
            connection.queries_log.append({"sql": sql % tuple(params), "time": "0.000"})
    return [[] if statement is None else next(fetched) for statement in statements]


def _inputs(*, agreement: Agreement, first: dt.date, last: dt.date, tolerance: int):
    payments = (
        Payment.objects.filter(case__agreement=agreement)
        .filter(
            Q(
                status__in=[Payment.Status.CLAIMED, Payment.Status.CONFIRMED],
                paid_on__range=(first, last),
            )
            | Q(
                status=Payment.Status.CLAIMED,
                paid_on__range=(first - dt.timedelta(days=tolerance), first - dt.timedelta(days=1)),
            )
        )
        .order_by()
        .values_list("pk", "case__account_no", "amount", "paid_on", "status", "case_id")
    )
    # The files' ids first: a join on the file's status makes PostgreSQL expect a few
    # rows and walk the cases' index once per repayment (docs/benchmarks.md).
    completed_files = list(
        RepaymentFile.objects.filter(
            agreement=agreement, status=RepaymentFile.Status.COMPLETED
        ).values_list("pk", flat=True)
    )
    repayments = (
        with_commission(
            BankRepayment.objects.filter(
                agreement=agreement,
                paid_on__range=(first, last),
                repayment_file_id__in=completed_files,
            ),
            case="case",
            amount="amount",
            on="paid_on",
        )
        .annotate(placed=ExpressionWrapper(Q(case__isnull=False), output_field=BooleanField()))
        .order_by()
        .values_list(
            "pk",
            "account_no",
            "amount",
            "paid_on",
            "reference",
            "placed",
            "case_id",
            "commission_rate",
            "commission",
        )
    )
    payment_rows, repayment_rows = _fetch_all(payments, repayments)
    return payment_rows, repayment_rows


# The columns a statement line is written with, in the order `_line_values` gives them.
LINE_COLUMNS = (
    "statement_id",
    "kind",
    "reason",
    "account_no",
    "payment_id",
    "payment_amount",
    "payment_paid_on",
    "payment_status",
    "repayment_id",
    "repayment_amount",
    "repayment_paid_on",
    "repayment_reference",
    "case_id",
    "commission_rate",
    "commission",
    "note",
)


def _line_values(statement_id: int, lines, notes: dict) -> list[tuple]:
    """One plain tuple per line (LINE_COLUMNS), no model instances: 100,000 of those
    cost more than the matching. `notes` carries finance's notes over a re-run (a line
    keeps its note when the same payment and repayment make the same kind of line)."""
    matched = reconciliation.MATCHED
    values = []
    append = values.append
    for kind, reason, account, payment, repayment in lines:
        payment_id = payment[0] if payment else None
        repayment_id = repayment[0] if repayment else None
        append(
            (
                statement_id,
                kind,
                reason,
                account,
                payment_id,
                payment[2] if payment else None,
                payment[3] if payment else None,
                payment[4] if payment else "",
                repayment_id,
                repayment[2] if repayment else None,
                repayment[3] if repayment else None,
                repayment[4] if repayment else "",
                payment[5] if payment else repayment[6],
                repayment[7] if kind == matched else ZERO,
                repayment[8] if kind == matched else ZERO,
                notes.get((kind, payment_id, repayment_id), "") if notes else "",
            )
        )
    return values


def _fill(statement: Statement, lines) -> None:
    figures = reconciliation.totals(lines)
    statement.matched_count = figures[reconciliation.MATCHED]["count"]
    statement.matched_amount = figures[reconciliation.MATCHED]["bank"]
    statement.difference_count = figures[reconciliation.AMOUNT_DIFFERENCE]["count"]
    statement.difference_agency_amount = figures[reconciliation.AMOUNT_DIFFERENCE]["agency"]
    statement.difference_bank_amount = figures[reconciliation.AMOUNT_DIFFERENCE]["bank"]
    statement.agency_only_count = figures[reconciliation.AGENCY_ONLY]["count"]
    statement.agency_only_amount = figures[reconciliation.AGENCY_ONLY]["agency"]
    statement.bank_only_count = figures[reconciliation.BANK_ONLY]["count"]
    statement.bank_only_amount = figures[reconciliation.BANK_ONLY]["bank"]
    matched = [line.repayment for line in lines if line.kind == reconciliation.MATCHED]
    # The base is the matched money that earns a rate (placed with the agency that day).
    statement.commission_base = sum((repayment[2] for repayment in matched if repayment[7]), ZERO)
    statement.commission_total = sum((repayment[8] for repayment in matched), ZERO)


def _lines_write(statement: Statement, values: list[tuple]) -> None:
    """The draft's lines, replacing the ones of an earlier run: PostgreSQL's COPY (one
    stream, ~10× bulk_create's INSERTs of 100,000 rows), bulk_create elsewhere."""
    StatementLine.objects.filter(statement=statement).delete()
    if connection.vendor != "postgresql":
        StatementLine.objects.bulk_create(
            [StatementLine(**dict(zip(LINE_COLUMNS, row, strict=True))) for row in values],
            batch_size=LINE_BATCH,
        )
        return
    table = connection.ops.quote_name(StatementLine._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in LINE_COLUMNS)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def month_checked(month) -> dt.date:
    """The first day of `month`, which must have ended (company date): else an error on
    `month`."""
    if not isinstance(month, dt.date):
        raise ValidationError({"month": _("Choose the month to reconcile.")})
    first, last = month_bounds(month)
    if last >= company_today():
        raise ValidationError(
            {"month": _("%(month)s has not ended yet.") % {"month": date_format(first, "F Y")}}
        )
    return first


@transaction.atomic
def statement_prepare(*, agreement: Agreement, month: dt.date, actor=None) -> Statement:
    """Reconciles the month into its draft: creates it, or replaces the waiting draft.

    A month already approved is not touched: `ValidationError` (correct it instead).
    `actor` is the person who asked (None for the schedule).
    """
    first = month_checked(month)
    # One preparation per agreement at a time (two runs, a run and a correction).
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    latest = Statement.objects.filter(agreement=agreement, month=first).order_by("-version").first()
    if latest is not None and not latest.is_draft:
        raise ValidationError(
            {
                NON_FIELD: _(
                    "%(month)s is already %(status)s (version %(version)s): make a "
                    "correction instead."
                )
                % {
                    "month": date_format(first, "F Y"),
                    "status": latest.get_status_display().lower(),
                    "version": latest.version,
                }
            }
        )
    statement = latest or Statement(
        agreement=agreement, bank_id=agreement.bank_id, month=first, version=1
    )
    return _reconcile_into(statement, agreement=agreement, actor=actor)


def _reconcile_into(statement: Statement, *, agreement: Agreement, actor) -> Statement:
    tolerance = tolerance_days()
    payments, repayments = reconciliation_inputs(
        agreement=agreement, month=statement.month, tolerance=tolerance
    )
    lines = reconciliation.match(payments, repayments, tolerance_days=tolerance)
    statement.tolerance_days = tolerance
    statement.prepared_at = timezone.now()
    statement.prepared_by = actor
    _fill(statement, lines)
    notes = (
        {
            (kind, payment_id, repayment_id): note
            for kind, payment_id, repayment_id, note in statement.lines.exclude(note="")
            .order_by()
            .values_list("kind", "payment_id", "repayment_id", "note")
        }
        if statement.pk
        else {}
    )
    statement._history_user = actor
    statement.save()
    _lines_write(statement, _line_values(statement.pk, lines, notes))
    return statement


def statements_for_finance(user):
    if not has_role(user, *STATEMENT_ROLES):
        return Statement.objects.none()
    return Statement.objects.visible_to(user)


def _locked(statement: Statement | int, *, actor) -> Statement:
    if not has_role(actor, *STATEMENT_ROLES):
        raise PermissionDenied(_("Only finance approves and publishes statements."))
    pk = getattr(statement, "pk", statement)
    return get_scoped_object_or_404(
        statements_for_finance(actor).select_for_update(of=("self",)), user=actor, pk=pk
    )


@transaction.atomic
def statement_correct(*, statement: Statement | int, actor) -> Statement:
    """A new draft version of an approved month, reconciled afresh, naming the old one."""
    old = _locked(statement, actor=actor)
    if old.is_draft:
        raise ValidationError(
            {NON_FIELD: _("This statement is still a draft: prepare it again instead.")}
        )
    agreement = Agreement.objects.select_for_update().get(pk=old.agreement_id)
    latest = Statement.objects.filter(agreement=agreement, month=old.month).order_by("-version")[0]
    if latest.pk != old.pk:
        raise ValidationError(
            {
                NON_FIELD: _("Version %(version)s of this month exists: correct that one.")
                % {"version": latest.version}
            }
        )
    new = Statement(
        agreement=agreement,
        bank_id=old.bank_id,
        month=old.month,
        version=old.version + 1,
        replaces=old,
    )
    return _reconcile_into(new, agreement=agreement, actor=actor)


@transaction.atomic
def statement_approve(*, statement: Statement | int, actor) -> Statement:
    """Finance approves a draft: its matched payments are confirmed, then it is frozen."""
    locked = _locked(statement, actor=actor)
    if not locked.is_draft:
        raise ValidationError(
            {
                NON_FIELD: _("This statement is already %(status)s (by %(who)s on %(when)s).")
                % {
                    "status": locked.get_status_display().lower(),
                    "who": locked.approved_by,
                    "when": date_format(timezone.localtime(locked.approved_at), "DATETIME_FORMAT"),
                }
            }
        )
    matched = StatementLine.objects.filter(
        statement=locked, kind=StatementLine.Kind.MATCHED, payment__isnull=False
    )
    payment_ids = list(matched.values_list("payment_id", flat=True))
    payments = {
        payment.pk: payment
        for payment in Payment.objects.filter(pk__in=payment_ids)
        .select_related("case")
        .order_by("pk")
        .select_for_update(of=("self",))
    }
    stale = [
        p
        for p in payments.values()
        if p.status not in (Payment.Status.CLAIMED, Payment.Status.CONFIRMED)
    ]
    if stale:
        raise ValidationError(
            {
                NON_FIELD: _(
                    "Payments changed since the statement was prepared (account %(account)s "
                    "is now %(status)s): prepare it again, then approve."
                )
                % {
                    "account": stale[0].case.account_no,
                    "status": stale[0].get_status_display().lower(),
                }
            }
        )
    claimed = [p for p in payments.values() if p.status == Payment.Status.CLAIMED]
    own = next((p for p in claimed if p.claimed_by_id == actor.pk), None)
    try:
        if own is not None:
            raise PermissionDenied
        # One set-based confirmation (history, balances and promises as one at a time).
        payments_confirm(payments=claimed, actor=actor)
    except (PermissionDenied, Http404):
        if own is None:
            visible = set(
                payments_for_checking(actor)
                .filter(pk__in=[p.pk for p in claimed])
                .values_list("pk", flat=True)
            )
            own = next((p for p in claimed if p.pk not in visible), claimed[0])
        raise ValidationError(
            {
                NON_FIELD: _(
                    "You cannot confirm the payment on account %(account)s (you claimed "
                    "it, or it is outside your branch): someone else in finance must "
                    "approve this statement."
                )
                % {"account": own.case.account_no}
            }
        ) from None
    matched.update(payment_status=Payment.Status.CONFIRMED)
    locked.status = Statement.Status.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def statement_publish(*, statement: Statement | int, actor) -> Statement:
    """The approved statement becomes readable by its bank (API and PDF)."""
    locked = _locked(statement, actor=actor)
    if locked.is_draft:
        raise ValidationError({NON_FIELD: _("Approve the statement before publishing it.")})
    if not transition_allowed(locked.status, Statement.Status.PUBLISHED):
        raise ValidationError({NON_FIELD: _("This statement is already published.")})
    locked.status = Statement.Status.PUBLISHED
    locked.published_by = actor
    locked.published_at = timezone.now()
    locked._history_user = actor
    locked.save()
    return locked


def statement_lines_for_finance(user):
    """Lines of the statements `user` may read (finance of the agreement's branch)."""
    if not has_role(user, *STATEMENT_ROLES):
        return StatementLine.objects.none()
    return StatementLine.objects.visible_to(user)


def statement_line_notes(line: StatementLine):
    """The notes written on `line` over time (also before its draft was reconciled
    again), oldest first."""
    return StatementLineNote.objects.filter(
        statement_id=line.statement_id,
        kind=line.kind,
        payment_ref=line.payment_id,
        repayment_ref=line.repayment_id,
    ).select_related("written_by")


@transaction.atomic
def statement_line_note(*, line: StatementLine | int, actor, note: str) -> StatementLine:
    """Finance's follow-up note on a line of a draft (e.g. why an amount differs): the
    line shows the latest, `StatementLineNote` keeps each one with who and when. An
    approved statement is refused; another branch's line is a 404."""
    if not has_role(actor, *STATEMENT_ROLES):
        raise PermissionDenied(_("Only finance annotates statements."))
    pk = getattr(line, "pk", line)
    locked = get_scoped_object_or_404(
        statement_lines_for_finance(actor)
        .select_related("statement")
        .select_for_update(of=("self",)),
        user=actor,
        pk=pk,
    )
    if not locked.statement.is_draft:
        raise ValidationError(
            {
                "note": _(
                    "This statement is %(status)s: its lines cannot be changed. Notes are "
                    "written on drafts."
                )
                % {"status": locked.statement.get_status_display().lower()}
            }
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("A note is at most 500 characters.")})
    if note == locked.note:
        return locked
    locked.note = note
    locked.save(update_fields=["note"])  # the model refuses too when the statement is approved
    StatementLineNote.objects.create(
        statement_id=locked.statement_id,
        kind=locked.kind,
        account_no=locked.account_no,
        payment_ref=locked.payment_id,
        repayment_ref=locked.repayment_id,
        text=note,
        written_by=actor,
        written_at=timezone.now(),
    )
    return locked


__all__ = [
    "TRANSITIONS",
    "month_bounds",
    "reconciliation_inputs",
    "statement_approve",
    "statement_correct",
    "statement_line_note",
    "statement_line_notes",
    "statement_lines_for_finance",
    "statement_prepare",
    "statement_publish",
    "statements_for_finance",
    "tolerance_days",
]
