"""Scoped reads of the case page: the case, its balance history, holds, period, linked cases.

Every read starts from a case the viewer may see (`case_for_page`, a logged 404
otherwise); rows that hang off a case are then read through that case, so they
cannot leak from another one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone

from cases import access
from cases.models import Case, CaseHold, ContactPoint
from staff.selectors import get_scoped_object_or_404, has_role

from . import case_list_with_balance

BALANCE_FIELDS = ("principal", "interest", "fees")
# The case-row fields whose changes are the case's own story on the timeline. Who the
# case is assigned to is told by the assignment source, the call log's bookkeeping
# columns are not in history at all.
TIMELINE_FIELDS = (*BALANCE_FIELDS, "status", "classification")


def case_for_page(*, user, pk: int) -> Case:
    """The case as the case page shows it; another's case is a logged 404 (DESIGN §3)."""
    return get_scoped_object_or_404(
        case_list_with_balance(user=user).select_related(
            "agreement", "last_placement", "assigned_to"
        ),
        user=user,
        pk=pk,
    )


def may_work_on_case(user, case: Case) -> bool:
    """Add numbers, mark them invalid, classify, place holds: the assigned collector and
    the branch's supervisors (the case is already one the user may see), while the case
    is open — a recalled, settled or closed case is read-only."""
    if not case.is_open:
        return False
    if has_role(user, *access.CASE_SUPERVISOR_ROLES):
        return True
    return case.assigned_to_id is not None and case.assigned_to_id == getattr(user, "pk", None)


def may_lift_holds(user) -> bool:
    """Only a supervisor lifts a dispute or a cease-contact hold (issue 8)."""
    return has_role(user, *access.CASE_SUPERVISOR_ROLES)


def contact_point_of_case(*, user, case: Case, pk) -> ContactPoint:
    """A contact point of the case's debtor; one of another debtor is a logged 404."""
    return get_scoped_object_or_404(
        ContactPoint.objects.filter(debtor_id=case.debtor_id), user=user, pk=pk
    )


def hold_of_case(*, user, case: Case, pk) -> CaseHold:
    return get_scoped_object_or_404(CaseHold.objects.filter(case=case), user=user, pk=pk)


def case_contact_points(*, case: Case) -> list[ContactPoint]:
    """Phones first, then addresses; valid before invalid; oldest first (read once a page)."""
    from .casepage_data import case_page_data

    return case_page_data(case).contact_points


def case_holds(*, case: Case, limit: int = 20) -> list[CaseHold]:
    """Active first, then newest first; the active ones are those without `lifted_at`."""
    from .casepage_data import case_page_data

    return case_page_data(case).holds(limit)


def case_history_changes(
    *, case: Case, fields=TIMELINE_FIELDS, limit: int = 25, also_previous: tuple = ()
) -> QuerySet:
    """History rows of the case that changed one of `fields` (or created the case), newest first.

    One query: the previous row's values come from a window over the case's history
    (indexed by case id), so rows that changed only other fields (the assignment's,
    `updated_at`) never reach Python and paging stays exact. `also_previous` adds the
    previous value of more columns without making their changes count.
    """
    previous = {
        f"previous_{name}": Window(Lag(name), order_by=F("history_id").asc())
        for name in (*fields, *also_previous)
    }
    changed = Q(history_type="+")
    for name in fields:
        changed |= ~Q(**{name: F(f"previous_{name}")})
    return (
        case.history.annotate(**previous)
        .filter(changed)
        .select_related("history_user")
        .order_by("-history_id")[:limit]
    )


def balance_history(*, case: Case, limit: int = 24) -> list[dict]:
    """Principal, interest, fees and balance after each bank update, newest first.

    From the case page's shared read of the case's history (`case_page_data`): the
    balance changes among its newest changes of any timeline field.
    """
    from .casepage_data import HISTORY_READ, case_page_data

    rows = []
    for row in case_page_data(case).history_changes(limit=HISTORY_READ):
        changed = row.history_type == "+" or any(
            getattr(row, name) != getattr(row, f"previous_{name}") for name in BALANCE_FIELDS
        )
        if not changed:
            continue
        rows.append(
            {
                "at": row.history_date,
                "principal": row.principal,
                "interest": row.interest,
                "fees": row.fees,
                "balance": row.principal + row.interest + row.fees,
                "reason": row.history_change_reason or "",
            }
        )
        if len(rows) == limit:
            break
    return rows


def balance_chart(rows: list[dict], *, currency: str) -> dict | None:
    """A Chart.js line of the balance over time (oldest → newest); None under 2 points."""
    if len(rows) < 2:
        return None
    ordered = list(reversed(rows))
    return {
        "type": "line",
        "data": {
            "labels": [timezone.localtime(row["at"]).strftime("%Y-%m-%d") for row in ordered],
            "datasets": [
                {"label": f"{name} ({currency})", "data": [float(row[key]) for row in ordered]}
                for key, name in (("balance", "Balance"), ("principal", "Principal"))
            ],
        },
        "options": {"plugins": {"legend": {"position": "bottom"}}, "animation": False},
    }


@dataclass(frozen=True)
class CollectionPeriod:
    """The agreement's collection period for this placement, with weekly checkpoints (§4.6)."""

    starts_on: dt.date
    ends_on: dt.date
    checkpoints: list[tuple[dt.date, bool]]  # (date, passed)
    days_left: int
    today: dt.date

    @property
    def is_over(self) -> bool:
        return self.days_left < 0

    @property
    def days_over(self) -> int:
        return max(0, -self.days_left)

    @property
    def percent_elapsed(self) -> int:
        total = (self.ends_on - self.starts_on).days or 1
        return max(0, min(100, (self.today - self.starts_on).days * 100 // total))


def collection_period(case: Case, *, today: dt.date | None = None) -> CollectionPeriod:
    today = today or timezone.localdate()
    starts_on = timezone.localtime(case.placed_at).date()
    ends_on = starts_on + dt.timedelta(days=case.agreement.collection_period_days)
    checkpoints = []
    week = starts_on + dt.timedelta(days=7)
    while week < ends_on:
        checkpoints.append((week, week <= today))
        week += dt.timedelta(days=7)
    return CollectionPeriod(
        starts_on=starts_on,
        ends_on=ends_on,
        checkpoints=checkpoints,
        days_left=(ends_on - today).days,
        today=today,
    )


def linked_cases(*, user, case: Case, limit: int = 20) -> list[Case]:
    """The debtor's other cases (any bank) that `user` may see — the rest stay invisible.
    A debtor with one case (most) costs no query: the case page's one presence query
    says whether the debtor has any other case at all (casepage_data)."""
    from .casepage_data import case_page_data

    if not case_page_data(case).has("linked_cases"):
        return []
    return list(
        case_list_with_balance(user=user)
        .filter(debtor_id=case.debtor_id)
        .exclude(pk=case.pk)
        .order_by("-placed_at")[:limit]
    )


_CITY = re.compile(r"^(.{1,8}?(?:省|自治区))?(.{1,8}?(?:市|自治州|州|盟|地区))")


def mask_address(value: str) -> str:
    """City only (DESIGN §3): "上海市浦东新区世纪大道100号" → "上海市***"."""
    value = (value or "").strip()
    match = _CITY.match(value)
    kept = match.group(0) if match else value[:3]
    hidden = len(value) - len(kept)
    return kept + "*" * min(max(hidden, 0), 8) if hidden > 0 else "*" * len(value)


# --- Status in work (the bank API) --------------------------------------------------------


class WorkStatus:
    """Where the case stands in the agency's work, as a bank reads it (DESIGN §7)."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RECALLED = "recalled"
    SETTLED = "settled"
    CLOSED = "closed"

    DESCRIPTIONS = {
        NEW: "Placed, not yet assigned to a collector.",
        ASSIGNED: "Assigned to a collector, no action logged yet.",
        IN_PROGRESS: "Being worked (calls, letters, visits).",
        ON_HOLD: "No contact: an open dispute or a cease-contact request.",
        RECALLED: "Withdrawn by the bank; work stopped.",
        SETTLED: "Paid or settled.",
        CLOSED: "Closed without settlement.",
    }
    values = list(DESCRIPTIONS)


def with_active_hold(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotates `has_active_hold` (one EXISTS per row, by the hold's case index)."""
    return queryset.annotate(
        has_active_hold=Exists(CaseHold.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True))
    )


def work_status(case: Case) -> str:
    """A finished case says how it finished; an open one with an active hold is on hold."""
    if not case.is_open:
        return case.status
    has_hold = getattr(case, "has_active_hold", None)
    if has_hold is None:
        has_hold = CaseHold.objects.filter(case=case, lifted_at__isnull=True).exists()
    return WorkStatus.ON_HOLD if has_hold else case.status
