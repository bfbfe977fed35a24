"""Where a person stands against the next step's criteria, and the compliance gate.

The figures come from the case data through `staff.performance` (never typed in). The
compliance gate comes first: a confirmed violation or an upheld complaint in the cycle
blocks the application whatever the amounts (regulators forbid judging on amounts alone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.workdays import company_tz

from ..models import (
    LevelChange,
    PromotionCriteria,
    UpheldComplaint,
    next_position,
)
from ..performance import (
    PerformanceFigures,
    compliance_summary,
    judged_figures,
    lowest_monthly_completion,
    months_with_target,
    performance_figures,
)
from ..selectors import profile_of


@dataclass
class CriterionResult:
    """One line of the criteria: the person's figure, the bar, met or not."""

    key: str
    label: str
    value: Decimal | int | None  # None: not yet available
    bar: Decimal | int
    unit: str  # "CNY", "%", "" (a count), "months"
    met: bool
    note: str = ""


@dataclass
class Eligibility:
    """A person against the next step in a period: criteria, gate, and the figures behind."""

    user_id: int
    from_position: str
    to_position: str | None
    start: dt.date
    end: dt.date
    figures: PerformanceFigures | None
    criteria: list[CriterionResult] = field(default_factory=list)
    compliance: dict = field(default_factory=dict)
    complaints: list[dict] = field(default_factory=list)
    gate_reasons: list[str] = field(default_factory=list)
    capability_requirements: str = ""
    attitude_requirements: str = ""

    @property
    def gate_passed(self) -> bool:
        return not self.gate_reasons

    @property
    def unmet(self) -> list[CriterionResult]:
        return [c for c in self.criteria if not c.met]

    @property
    def eligible(self) -> bool:
        return self.to_position is not None and self.gate_passed and not self.unmet

    def refusal_messages(self) -> list[str]:
        """Why the application cannot be submitted, gate first, each criterion named."""
        messages = list(self.gate_reasons)
        for criterion in self.unmet:
            if criterion.value is None:
                messages.append(
                    _("%(label)s: not yet available (required: %(bar)s%(unit)s).")
                    % {"label": criterion.label, "bar": criterion.bar, "unit": criterion.unit}
                )
            else:
                messages.append(
                    _("%(label)s: %(value)s%(unit)s, required %(bar)s%(unit)s.")
                    % {
                        "label": criterion.label,
                        "value": criterion.value,
                        "bar": criterion.bar,
                        "unit": criterion.unit,
                    }
                )
        return messages


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (a day short of a month is not one)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def at_level_since(user) -> dt.date | None:
    """When the person reached their current level: the last change to it, else hire date."""
    profile = profile_of(user)
    if profile is None:
        return None
    change = (
        LevelChange.objects.filter(user=user, to_position=profile.position)
        .order_by("-effective_on", "-pk")
        .first()
    )
    return change.effective_on if change else profile.hire_date


def _at_least(value, bar) -> bool:
    return value is not None and value >= bar


def evaluate(*, user, start: dt.date, end: dt.date, today: dt.date | None = None) -> Eligibility:
    """The person's figures for [start, end] against the criteria of their next step."""
    today = today or timezone.localdate(timezone=company_tz())
    profile = profile_of(user)
    position = profile.position if profile else ""
    target = next_position(position)
    result = Eligibility(
        user_id=user.pk,
        from_position=position,
        to_position=target,
        start=start,
        end=end,
        figures=None,
    )
    result.compliance = compliance_summary(user_id=user.pk, start=start, end=end)
    result.complaints = [
        {"upheld_on": str(c.upheld_on), "summary": c.summary}
        for c in UpheldComplaint.objects.filter(subject=user, upheld_on__range=(start, end))
    ]
    violations = result.compliance.get("violations", {}).get("total", 0)
    if violations:
        result.gate_reasons.append(
            _("%(count)s confirmed compliance violation(s) in the cycle.") % {"count": violations}
        )
    if result.complaints:
        result.gate_reasons.append(
            _("%(count)s upheld complaint(s) in the cycle.") % {"count": len(result.complaints)}
        )
    if target is None:
        return result
    criteria = PromotionCriteria.objects.filter(from_position=position).first()
    # A supervisor (or manager) is judged on their team's figures (staff.performance).
    figures = judged_figures(performance_figures(user_ids=[user.pk], start=start, end=end)[user.pk])
    result.figures = figures
    if criteria is None:
        result.criteria.append(
            CriterionResult(
                "criteria",
                _("Criteria for this step"),
                None,
                0,
                "",
                False,
                _("HR has not set criteria for this step."),
            )
        )
        return result
    result.capability_requirements = criteria.capability_requirements
    result.attitude_requirements = criteria.attitude_requirements
    lowest = lowest_monthly_completion(figures)
    monthly_note = ""
    if months_with_target(figures) == 0:
        monthly_note = _("No monthly target was set in the cycle.")
    lines = [
        CriterionResult(
            "amount",
            _("Amount collected in the cycle"),
            getattr(figures, "amount_collected", None),
            criteria.min_amount,
            " CNY",
            _at_least(getattr(figures, "amount_collected", None), criteria.min_amount),
        ),
        CriterionResult(
            "success_rate",
            _("Success rate"),
            getattr(figures, "success_rate", None),
            criteria.min_success_rate,
            "%",
            _at_least(getattr(figures, "success_rate", None), criteria.min_success_rate),
        ),
        CriterionResult(
            "monthly_completion",
            _("Monthly task completion (lowest month)"),
            lowest,
            criteria.min_monthly_completion,
            "%",
            _at_least(lowest, criteria.min_monthly_completion),
            monthly_note,
        ),
    ]
    if criteria.min_complex_cases:
        lines.append(
            CriterionResult(
                "complex_cases",
                _("Complex cases handled"),
                getattr(figures, "complex_cases", None),
                criteria.min_complex_cases,
                "",
                _at_least(getattr(figures, "complex_cases", None), criteria.min_complex_cases),
            )
        )
    if criteria.min_campaigns_led:
        lines.append(
            CriterionResult(
                "campaigns_led",
                _("Campaigns led"),
                getattr(figures, "campaigns_led", None),
                criteria.min_campaigns_led,
                "",
                _at_least(getattr(figures, "campaigns_led", None), criteria.min_campaigns_led),
            )
        )
    since = at_level_since(user)
    months = months_between(since, today) if since else 0
    lines.append(
        CriterionResult(
            "months_at_level",
            _("Months at the current level"),
            months,
            criteria.min_months_at_level,
            "",
            months >= criteria.min_months_at_level,
        )
    )
    result.criteria = lines
    return result
