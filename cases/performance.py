"""People's performance figures for a period, computed from the case data (DESIGN §5).

The staff app (promotion reviews, the annual assessment) asks through
`settings.PERFORMANCE_FIGURES_FUNCTION`, which names `performance_figures` below; staff
never imports cases. Set-based: a fixed number of queries whatever the number of people
(six), so 2,000 collectors cost what one does, plus the rows.

Definitions (docs/decisions.md, issue 11):
- cases worked: distinct cases with at least one call the person logged in the period;
- amount collected: confirmed payments the person claimed (`claimed_by`) paid in the period;
- success rate: cases worked that have such a payment ÷ cases worked × 100 (0 when none
  was worked);
- monthly completion: the month's confirmed amount ÷ the supervisor's target × 100, for
  each calendar month the period touches (None for a month without a target);
- complex cases: cases with such a payment that staff.ComplexCaseDefinition calls complex;
- campaigns led: campaigns whose lead is the person and that ended in the period;
- violations: confirmed compliance violations that occurred in the period.

Payments and campaigns belong to other areas that may not be installed yet: they are
read with `apps.get_model` and, when missing, their figures are None ("not yet
available"), never zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import TruncMonth

from cases.models import CallLog, CaseAssignment, ComplianceViolation
from cases.selectors.compliance import period_bounds
from staff.models import ComplexCaseDefinition, MonthlyTarget, Position, StaffProfile
from staff.performance import MonthFigures, PerformanceFigures, month_starts

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Judged on their team's figures (`_team_figures`): the rungs of the ladder that lead one.
TEAM_LEAD_POSITIONS = (Position.COLLECTION_SUPERVISOR, Position.COLLECTION_MANAGER)


def _model_or_none(name: str):
    try:
        return apps.get_model("cases", name)
    except LookupError:
        return None


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _complex_condition(prefix: str = "case__") -> Q | None:
    """The "complex case" rule as a filter on a case (None when nothing is defined)."""
    definition = ComplexCaseDefinition.objects.order_by("pk").first()
    if definition is None:
        return None
    # Balance is a property; spelled out as the sum of its columns.

    condition = Q(
        **{
            f"{prefix}principal__gte": definition.min_balance
            - F(f"{prefix}interest")
            - F(f"{prefix}fees")
        }
    )
    condition |= Q(
        **{
            f"{prefix}overdue_since__lte": F(f"{prefix}placed_at")
            - dt.timedelta(days=definition.min_days_overdue)
        }
    )
    if definition.classifications:
        condition |= Q(**{f"{prefix}classification__in": list(definition.classifications)})
    return condition


def performance_figures(
    *, user_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, PerformanceFigures]:
    """{user id: PerformanceFigures} for the period (dates inclusive, company time)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    since, until = period_bounds(start, end)
    months = month_starts(start, end)

    worked_calls = CallLog.objects.filter(
        collector_id__in=ids, started_at__gte=since, started_at__lt=until
    )
    cases_worked = dict(
        worked_calls.values("collector_id")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
        .values_list("collector_id", "n")
    )
    violations = dict(
        ComplianceViolation.objects.filter(
            collector_id__in=ids, occurred_at__gte=since, occurred_at__lt=until
        )
        .values("collector_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("collector_id", "n")
    )
    targets: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for user_id, month, amount in MonthlyTarget.objects.filter(
        user_id__in=ids, month__in=months
    ).values_list("user_id", "month", "amount"):
        targets[user_id][month] = amount

    payment_model = _model_or_none("Payment")
    amounts: dict[int, dict[dt.date, Decimal]] | None = None
    with_payment: dict[int, int] | None = None
    complex_cases: dict[int, int] | None = None
    if payment_model is not None:
        confirmed = payment_model.objects.filter(
            claimed_by_id__in=ids, status="confirmed", paid_on__gte=start, paid_on__lte=end
        )
        amounts = defaultdict(dict)
        for user_id, month, total in (
            confirmed.annotate(month=TruncMonth("paid_on"))
            .values("claimed_by_id", "month")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("claimed_by_id", "month", "total")
        ):
            month = month.date() if isinstance(month, dt.datetime) else month
            amounts[user_id][month] = total
        # A paid case counts as a success of the person only if they worked it in the period.
        worked_by_claimer = worked_calls.filter(
            case_id=OuterRef("case_id"), collector_id=OuterRef("claimed_by_id")
        )
        complex_rule = _complex_condition()
        aggregates = {"paid": Count("case_id", distinct=True)}
        if complex_rule is not None:
            aggregates["complex"] = Count("case_id", distinct=True, filter=complex_rule)
        with_payment, complex_cases = {}, {}
        for row in (
            confirmed.filter(Exists(worked_by_claimer))
            .values("claimed_by_id")
            .annotate(**aggregates)
            .order_by()
        ):
            with_payment[row["claimed_by_id"]] = row["paid"]
            complex_cases[row["claimed_by_id"]] = row.get("complex", 0)

    campaign_model = _model_or_none("Campaign")
    campaigns: dict[int, int] | None = None
    if campaign_model is not None:
        campaigns = dict(
            campaign_model.objects.filter(lead_id__in=ids, ends_on__gte=start, ends_on__lte=end)
            .values("lead_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("lead_id", "n")
        )

    teams = _team_figures(
        ids,
        start=start,
        end=end,
        months=months,
        payment_model=payment_model,
        campaigns=campaigns,
        violations=violations,
    )

    result = {}
    for user_id in ids:
        worked = cases_worked.get(user_id, 0)
        person_months = _months(
            months, targets[user_id], None if amounts is None else amounts[user_id]
        )
        paid = None if with_payment is None else with_payment.get(user_id, 0)
        result[user_id] = PerformanceFigures(
            user_id=user_id,
            start=start,
            end=end,
            cases_worked=worked,
            amount_collected=None
            if amounts is None
            else sum(amounts[user_id].values(), ZERO).quantize(CENT),
            cases_with_payment=paid,
            success_rate=None if paid is None else (_percent(paid, worked) if worked else ZERO),
            complex_cases=None if complex_cases is None else complex_cases.get(user_id, 0),
            campaigns_led=None if campaigns is None else campaigns.get(user_id, 0),
            violations=violations.get(user_id, 0),
            months=person_months,
            team=teams.get(user_id),
        )
    return result


def _months(
    months: list[dt.date], targets: dict[dt.date, Decimal], amounts: dict[dt.date, Decimal] | None
) -> list[MonthFigures]:
    rows = []
    for month in months:
        target = targets.get(month)
        confirmed = None if amounts is None else amounts.get(month, ZERO)
        completion = None
        if target is not None and confirmed is not None:
            completion = _percent(confirmed, target)
        rows.append(
            MonthFigures(month=month, target=target, confirmed=confirmed, completion=completion)
        )
    return rows


def _team_figures(
    ids: list[int],
    *,
    start: dt.date,
    end: dt.date,
    months: list[dt.date],
    payment_model,
    campaigns: dict[int, int] | None,
    violations: dict[int, int],
) -> dict[int, PerformanceFigures]:
    """{lead's user id: their team's figures} for the supervisors and managers among `ids`.

    The team in the period = the person and the collectors they assigned cases to in it
    (`CaseAssignment.assigned_by`, any kind of assignment: single, automatic, handover …).
    Over that team: cases worked = distinct cases any member called; amount = the members'
    confirmed payments; a success = a case with such a payment that its claimer worked in
    the period (distinct over the team); a month's target = the sum of the members'
    targets that month (no member with a target: no target). Campaigns led and violations
    stay the person's own (the compliance gate judges the person). Five queries whatever
    the number of leads, none when there is no lead.
    """
    leads = list(
        StaffProfile.objects.filter(user_id__in=ids, position__in=TEAM_LEAD_POSITIONS)
        .order_by()
        .values_list("user_id", flat=True)
    )
    if not leads:
        return {}
    since, until = period_bounds(start, end)
    assigned = (
        CaseAssignment.objects.filter(
            assigned_by_id__in=leads,
            assigned_at__gte=since,
            assigned_at__lt=until,
            to_collector__isnull=False,
        )
        .exclude(to_collector_id=F("assigned_by_id"))
        .annotate(lead=F("assigned_by_id"), member=F("to_collector_id"))
        .values("lead", "member")
        .order_by()
    )
    selves = (
        StaffProfile.objects.filter(user_id__in=leads)
        .annotate(lead=F("user_id"), member=F("user_id"))
        .values("lead", "member")
        .order_by()
    )
    team_rows = assigned.union(selves).order_by()  # UNION: each (lead, member) once
    members_of: dict[int, set[int]] = defaultdict(set)
    for row in team_rows:
        members_of[row["lead"]].add(row["member"])
    everyone = sorted({m for members in members_of.values() for m in members})
    team_sql, team_params = team_rows.query.sql_with_params()

    def per_lead(inner, person_column: str, select: str) -> dict[int, tuple]:
        """Rows of `inner` (a queryset) joined to the team table, grouped by lead."""
        inner_sql, inner_params = inner.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT t."lead", {select} FROM ({inner_sql}) w '  # noqa: S608 - our SQL
                f'JOIN ({team_sql}) t ON w."{person_column}" = t."member" GROUP BY t."lead"',
                (*inner_params, *team_params),
            )
            return {row[0]: row[1:] for row in cursor.fetchall()}

    worked_calls = CallLog.objects.filter(
        collector_id__in=everyone, started_at__gte=since, started_at__lt=until
    )
    worked = per_lead(
        worked_calls.values("collector_id", "case_id").order_by().distinct(),
        "collector_id",
        "COUNT(DISTINCT w.case_id)",
    )
    targets: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for user_id, month, amount in MonthlyTarget.objects.filter(
        user_id__in=everyone, month__in=months
    ).values_list("user_id", "month", "amount"):
        targets[user_id][month] = amount

    amounts = successes = None
    if payment_model is not None:
        confirmed = payment_model.objects.filter(
            claimed_by_id__in=everyone, status="confirmed", paid_on__gte=start, paid_on__lte=end
        )
        amounts = defaultdict(dict)
        for user_id, month, total in (
            confirmed.annotate(month=TruncMonth("paid_on"))
            .values("claimed_by_id", "month")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("claimed_by_id", "month", "total")
        ):
            month = month.date() if isinstance(month, dt.datetime) else month
            amounts[user_id][month] = total
        worked_by_claimer = worked_calls.filter(
            case_id=OuterRef("case_id"), collector_id=OuterRef("claimed_by_id")
        )
        complex_rule = _complex_condition()
        is_complex = (
            ExpressionWrapper(complex_rule, output_field=BooleanField())
            if complex_rule is not None
            else Value(False)
        )
        successes = per_lead(
            confirmed.filter(Exists(worked_by_claimer))
            .annotate(is_complex=is_complex)
            .values("claimed_by_id", "case_id", "is_complex")
            .order_by(),
            "claimed_by_id",
            "COUNT(DISTINCT w.case_id), COUNT(DISTINCT CASE WHEN w.is_complex THEN w.case_id END)",
        )

    result = {}
    for lead in leads:
        members = members_of.get(lead, {lead})
        team_targets: dict[dt.date, Decimal] = {}
        team_amounts: dict[dt.date, Decimal] | None = None if amounts is None else {}
        for member in members:
            for month, target in targets[member].items():
                team_targets[month] = team_targets.get(month, ZERO) + target
            if amounts is not None:
                for month, total in amounts[member].items():
                    team_amounts[month] = team_amounts.get(month, ZERO) + total
        cases = worked.get(lead, (0,))[0]
        paid = complex_paid = None
        if successes is not None:
            paid, complex_paid = successes.get(lead, (0, 0))
            complex_paid = complex_paid if complex_rule is not None else 0
        result[lead] = PerformanceFigures(
            user_id=lead,
            start=start,
            end=end,
            cases_worked=cases,
            amount_collected=None
            if team_amounts is None
            else sum(team_amounts.values(), ZERO).quantize(CENT),
            cases_with_payment=paid,
            success_rate=None if paid is None else (_percent(paid, cases) if cases else ZERO),
            complex_cases=complex_paid,
            campaigns_led=None if campaigns is None else campaigns.get(lead, 0),
            violations=violations.get(lead, 0),
            months=_months(months, team_targets, team_amounts),
            team_size=len(members - {lead}),
        )
    return result
