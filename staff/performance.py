"""What the staff side knows about a person's performance figures, without importing cases.

The figures are computed from the case data by the function `settings.
PERFORMANCE_FIGURES_FUNCTION` names (`cases.performance.performance_figures`); the
staff app (promotion reviews, the annual assessment) calls it through `performance_figures`
below and never imports cases. The dataclasses live here so both sides share one shape.

Every figure is a value or None. None means "not yet available" (the case data it comes
from — payments, campaigns — is not in this installation yet) and is shown as such,
never as zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MonthFigures:
    """One calendar month of a period: the target the supervisor set and what was confirmed."""

    month: dt.date  # the first day of the month
    target: Decimal | None  # None: no target set for that month
    confirmed: Decimal | None  # None: payments not available
    # confirmed ÷ target × 100, 2 places; None without a target or without payments.
    completion: Decimal | None


@dataclass(frozen=True)
class PerformanceFigures:
    """A person's figures for a period (dates inclusive, company time)."""

    user_id: int
    start: dt.date
    end: dt.date
    # Distinct cases with at least one call logged by the person in the period.
    cases_worked: int
    # Confirmed payments the person claimed, paid in the period.
    amount_collected: Decimal | None
    # Cases worked that have a confirmed payment the person claimed in the period.
    cases_with_payment: int | None
    # cases_with_payment ÷ cases_worked × 100 (2 places); 0 when no case was worked.
    success_rate: Decimal | None
    # Cases with payment that are "complex" (staff.ComplexCaseDefinition).
    complex_cases: int | None
    # Campaigns the person led that ended in the period.
    campaigns_led: int | None
    # Confirmed compliance violations that occurred in the period.
    violations: int
    months: list[MonthFigures] = field(default_factory=list)
    # Set on a team's figures (a supervisor's or a manager's, see `team`): how many
    # collectors besides the person made them. None on a person's own figures.
    team_size: int | None = None
    # A supervisor's or manager's team figures for the period: the same figures over the
    # person and the collectors they supervised in it (the case side defines the team).
    # None for everyone else. The promotion criteria of a team lead read these.
    team: PerformanceFigures | None = None

    @property
    def lowest_monthly_completion(self) -> Decimal | None:
        """The worst month with a target; None if payments are missing or no month had one."""
        values = [m.completion for m in self.months if m.completion is not None]
        return min(values) if values else None

    @property
    def months_with_target(self) -> int:
        return sum(1 for m in self.months if m.target is not None)

    def as_json(self) -> dict:
        """Plain JSON (Decimals and dates as strings): frozen on an application at submission."""

        def plain(value):
            if isinstance(value, Decimal | dt.date):
                return str(value)
            if isinstance(value, list):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        data = plain(asdict(self))
        data["lowest_monthly_completion"] = plain(self.lowest_monthly_completion)
        if self.team is not None:
            data["team"] = self.team.as_json()
        return data


# Another installation (or a test) may name a function that returns its own objects with
# the same attributes: the staff side reads them through these, never through the
# dataclass's methods.


def _get(item, name):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def lowest_monthly_completion(figures) -> Decimal | None:
    values = [_get(m, "completion") for m in (_get(figures, "months") or [])]
    values = [Decimal(str(v)) for v in values if v is not None]
    return min(values) if values else None


def months_with_target(figures) -> int:
    return sum(1 for m in (_get(figures, "months") or []) if _get(m, "target") is not None)


def judged_figures(figures):
    """What the promotion criteria read: a team lead's team figures when the figures
    function gives them, otherwise the person's own."""
    team = _get(figures, "team") if figures is not None else None
    return team if team is not None else figures


def figures_as_json(figures) -> dict:
    """Plain JSON of a person's figures, whatever object the figures function returned."""
    if isinstance(figures, PerformanceFigures):
        return figures.as_json()
    data = dict(figures) if isinstance(figures, dict) else dict(vars(figures))
    data["months"] = [
        m if isinstance(m, dict) else dict(vars(m)) for m in (data.get("months") or [])
    ]
    data["lowest_monthly_completion"] = lowest_monthly_completion(figures)
    if data.get("team") is not None:
        data["team"] = figures_as_json(data["team"])

    def plain(value):
        if isinstance(value, Decimal | dt.date):
            return str(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(data)


def performance_figures(*, user_ids, start: dt.date, end: dt.date) -> dict[int, PerformanceFigures]:
    """{user id: figures} through the function the setting names (the cases app's)."""
    function = import_string(settings.PERFORMANCE_FIGURES_FUNCTION)
    return function(user_ids=list(user_ids), start=start, end=end)


def compliance_summary(*, user_id: int, start: dt.date, end: dt.date) -> dict:
    """The person's compliance record for a period (settings.COMPLIANCE_SUMMARY_FUNCTION)."""
    function = import_string(settings.COMPLIANCE_SUMMARY_FUNCTION)
    return function(collector=user_id, start=start, end=end)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every calendar month the period touches."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months
