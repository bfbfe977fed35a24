"""The "reconciliation" report kind: each agreement's monthly reconciliation, run on the
agreement's reconciliation day for the previous month (DESIGN §8).

One schedule row (`reconciliation-daily`, every day at 05:30 company time) starts one run
per agreement whose `reconciliation_day` is today; the run prepares the month's draft
statement (`cases.services.statements.statement_prepare`: a re-run replaces the draft)
and its result is the statement's summary by kind of line. A month already approved is
left alone: the run succeeds and says so (a correction is finance's decision, on the
statement page).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .kinds import Column, ReportData, previous_period, report_kind
from .models import Scope

COLUMNS = [
    Column("kind", _("Line"), numeric=False),
    Column("count", _("Count")),
    Column("agency_amount", _("Agency amount")),
    Column("bank_amount", _("Bank amount")),
    Column("commission", _("Commission")),
]


def agreements_due(today: dt.date) -> list[tuple[str, int, dt.date, dt.date]]:
    """Agreements whose reconciliation day is today and that were in force in the month
    before: (agreement scope, id, first and last day of that month)."""
    from cases.models import Agreement

    start, end = previous_period("month", today)
    agreements = (
        Agreement.objects.filter(reconciliation_day=today.day, effective_from__lte=end)
        .filter(Q(terminates_on__isnull=True) | Q(terminates_on__gte=start))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [(Scope.AGREEMENT, pk, start, end) for pk in agreements]


@report_kind(
    "reconciliation",
    label=_("Monthly reconciliation"),
    period="month",
    columns=COLUMNS,
    chart=("count",),
    scheduled_scopes=agreements_due,
)
def reconciliation(run) -> ReportData:
    from cases.models import Agreement, Statement, StatementLine
    from cases.services.statements import statement_prepare

    if run.scope != Scope.AGREEMENT:
        raise ValueError("a reconciliation runs for one agreement")
    agreement = Agreement.objects.get(pk=run.scope_id)
    try:
        statement = statement_prepare(
            agreement=agreement, month=run.period_start, actor=run.requested_by
        )
        replaced = False
    except ValidationError:
        # Approved or published already: left as it is (idempotent, never overwritten).
        statement = (
            Statement.objects.filter(agreement=agreement, month=run.period_start)
            .order_by("-version")
            .first()
        )
        replaced = True
        if statement is None:
            raise
    rows = [
        {
            "kind": str(StatementLine.Kind.MATCHED.label),
            "count": statement.matched_count,
            "agency_amount": str(statement.matched_amount),
            "bank_amount": str(statement.matched_amount),
            "commission": str(statement.commission_total),
        },
        {
            "kind": str(StatementLine.Kind.AMOUNT_DIFFERENCE.label),
            "count": statement.difference_count,
            "agency_amount": str(statement.difference_agency_amount),
            "bank_amount": str(statement.difference_bank_amount),
            "commission": "0.00",
        },
        {
            "kind": str(StatementLine.Kind.AGENCY_ONLY.label),
            "count": statement.agency_only_count,
            "agency_amount": str(statement.agency_only_amount),
            "bank_amount": "0.00",
            "commission": "0.00",
        },
        {
            "kind": str(StatementLine.Kind.BANK_ONLY.label),
            "count": statement.bank_only_count,
            "agency_amount": "0.00",
            "bank_amount": str(statement.bank_only_amount),
            "commission": "0.00",
        },
    ]
    summary = {
        "statement_id": statement.pk,
        "version": statement.version,
        "status": statement.status,
        "left_as_it_was": replaced,
        "commission": str(statement.commission_total),
    }
    return ReportData(columns=COLUMNS, rows=rows, summary=summary)


def reconciliation_agreements(user):
    """Agreements whose months `user` may reconcile by hand: finance of the branch that
    handles the agreement (HQ finance: all) — the statements' own rule."""
    from cases.access import STATEMENT_ROLES, branch_condition, restrict
    from cases.models import Agreement
    from staff.selectors import has_role

    if not has_role(user, *STATEMENT_ROLES):
        return Agreement.objects.none()
    return restrict(Agreement.objects.all(), branch_condition(user, "branch"))


@transaction.atomic
def reconciliation_request(*, agreement, month: dt.date | None, actor):
    """Finance reconciles one agreement's month by hand: the same report run as the
    schedule's (kind "reconciliation", scope agreement), queued for the worker once the
    transaction commits. Its draft replaces the month's draft; a month already approved
    is refused here (correct its statement instead) and left alone by the run anyway.

    An agreement outside the user's branch is a 404; a month that has not ended, or in
    which the agreement was not in force, is a `ValidationError` on `month`.
    """
    from cases.access import STATEMENT_ROLES
    from cases.models import Statement
    from cases.services.statements import month_bounds, month_checked
    from staff.selectors import get_scoped_object_or_404, has_role

    from .models import ReportRun
    from .services import run_request

    if not has_role(actor, *STATEMENT_ROLES):
        raise PermissionDenied(_("Only finance reconciles a month."))
    agreement = get_scoped_object_or_404(
        reconciliation_agreements(actor), user=actor, pk=getattr(agreement, "pk", agreement)
    )
    first = month_checked(month)
    start, end = month_bounds(first)
    month_name = date_format(first, "F Y")
    if agreement.effective_from > end or (
        agreement.terminates_on is not None and agreement.terminates_on < start
    ):
        raise ValidationError(
            {
                "month": _("Agreement %(number)s was not in force in %(month)s.")
                % {"number": agreement.number, "month": month_name}
            }
        )
    latest = Statement.objects.filter(agreement=agreement, month=first).order_by("-version").first()
    if latest is not None and not latest.is_draft:
        raise ValidationError(
            {
                "month": _(
                    "%(month)s is already %(status)s (version %(version)s): open its "
                    "statement and make a correction instead."
                )
                % {
                    "month": month_name,
                    "status": latest.get_status_display().lower(),
                    "version": latest.version,
                }
            }
        )
    return run_request(
        kind="reconciliation",
        period_start=start,
        period_end=end,
        trigger=ReportRun.Trigger.MANUAL,
        requested_by=actor,
        scope=Scope.AGREEMENT,
        scope_id=agreement.pk,
    )


def reconciliation_runs(user, *, limit: int = 10):
    """The latest reconciliation runs of the agreements `user` may reconcile."""
    from .models import ReportRun

    return ReportRun.objects.filter(
        kind="reconciliation",
        scope=Scope.AGREEMENT,
        scope_id__in=reconciliation_agreements(user).values("pk"),
    ).order_by("-pk")[:limit]
