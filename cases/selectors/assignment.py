"""Scoped reads of assignment: the unassigned list, collectors and their loads, the
service levels (DESIGN §4.3) and the supervisor's figures of the day.

Only supervisors (CASE_SUPERVISOR_ROLES) get rows: their branch, HQ all branches.
The assignment history of a case is also a timeline source ("assignment").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import CASE_SUPERVISOR_ROLES
from cases.models import (
    CallLog,
    Case,
    CaseAssignment,
    CaseAssignmentBatch,
    ComplianceOverride,
    Party,
)
from cases.timeline import TimelineEntry, timeline_source
from collections_office.workdays import company_tz
from staff import roles
from staff.models import Branch, StaffProfile
from staff.selectors import has_role, sees_all_branches, user_branch

from . import case_search, overdue_bucket_range
from .casepage_data import case_page_data, case_row_kind

User = get_user_model()

BALANCE = F("principal") + F("interest") + F("fees")


def may_assign(user) -> bool:
    return has_role(user, *CASE_SUPERVISOR_ROLES)


def supervised_cases(user) -> QuerySet[Case]:
    if not may_assign(user):
        return Case.objects.none()
    return Case.objects.visible_to(user)


def display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- The unassigned list -------------------------------------------------------------------


@dataclass(frozen=True)
class UnassignedFilter:
    """The unassigned list's filters, as the page's form parsed them (all optional)."""

    query: str = ""
    branch: int | None = None
    bank: int | None = None
    agreement: int | None = None
    placement: int | None = None
    bucket: str = ""
    # "overdue" = past the assignment deadline, "due_today" = due before midnight.
    service_level: str = ""
    balance_min: Decimal | None = None
    balance_max: Decimal | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), company_tz())


def unassigned_cases(
    *, user, filters: UnassignedFilter = UnassignedFilter(), now: dt.datetime | None = None
) -> QuerySet[Case]:
    """The open cases nobody works yet that `user` may assign, filtered.

    Recalled, settled and closed cases never appear (`.open()`). Each row carries
    `total_balance` and its placement (for the assignment clock).
    """
    now = now or timezone.now()
    cases = (
        supervised_cases(user)
        .open()
        .filter(assigned_to__isnull=True)
        .select_related("bank", "branch", "agreement", "debtor", "last_placement")
        .annotate(total_balance=BALANCE)
    )
    if filters.query:
        cases = case_search(cases, filters.query)
    if filters.branch:
        cases = cases.filter(branch_id=filters.branch)
    if filters.bank:
        cases = cases.filter(bank_id=filters.bank)
    if filters.agreement:
        cases = cases.filter(agreement_id=filters.agreement)
    if filters.placement:
        cases = cases.filter(last_placement_id=filters.placement)
    if filters.bucket:
        cases = cases.filter(overdue_bucket_range(filters.bucket))
    if filters.service_level == "overdue":
        cases = cases.filter(last_placement__assignment_due_at__lt=now)
    elif filters.service_level == "due_today":
        tomorrow = start_of_day(timezone.localtime(now, company_tz()).date() + dt.timedelta(days=1))
        cases = cases.filter(
            last_placement__assignment_due_at__gte=now,
            last_placement__assignment_due_at__lt=tomorrow,
        )
    if filters.balance_min is not None:
        cases = cases.filter(total_balance__gte=filters.balance_min)
    if filters.balance_max is not None:
        cases = cases.filter(total_balance__lte=filters.balance_max)
    if filters.received_from:
        cases = cases.filter(last_placement__received_at__gte=start_of_day(filters.received_from))
    if filters.received_to:
        end = start_of_day(filters.received_to + dt.timedelta(days=1))
        cases = cases.filter(last_placement__received_at__lt=end)
    return cases


@dataclass(frozen=True)
class AssignmentClock:
    """How long is left to assign a case (negative = overdue)."""

    due_at: dt.datetime | None
    left: dt.timedelta | None

    @property
    def overdue(self) -> bool:
        return self.left is not None and self.left < dt.timedelta(0)

    @property
    def text(self) -> str:
        if self.left is None:
            return "—"
        minutes = int(abs(self.left).total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        days, hours = divmod(hours, 24)
        if days:
            amount = _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        else:
            amount = _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
        if self.overdue:
            return _("overdue by %(amount)s") % {"amount": amount}
        return _("%(amount)s left") % {"amount": amount}


# What the unassigned list's table shows of a case, read as plain values.
UNASSIGNED_ROW_FIELDS = ("pk", "account_no", "currency", "overdue_since", "total_balance")


def unassigned_page_rows(cases: QuerySet[Case], page_ids: list[int]) -> list[dict]:
    """The rows of one page of `unassigned_cases(…)` (`cases`), in the order of
    `page_ids`, as dicts of UNASSIGNED_ROW_FIELDS with `debtor_name`, `bank_name`, and
    the placement's `received_at` and `assignment_due_at`: one query by id, no model
    instances (six per row with the related rows, and the debtor's ID number decrypted)."""
    rows = (
        cases.filter(pk__in=list(page_ids))
        .order_by()
        .values(
            *UNASSIGNED_ROW_FIELDS,
            debtor_name=F("debtor__name"),
            bank_name=F("bank__name"),
            received_at=F("last_placement__received_at"),
            assignment_due_at=F("last_placement__assignment_due_at"),
        )
    )
    by_id = {row["pk"]: row for row in rows}
    return [by_id[pk] for pk in page_ids if pk in by_id]


def clock_until(due: dt.datetime | None, *, now: dt.datetime) -> AssignmentClock:
    return AssignmentClock(due_at=due, left=(due - now) if due else None)


def assignment_clock(case: Case, *, now: dt.datetime) -> AssignmentClock:
    due = case.last_placement.assignment_due_at if case.last_placement_id else None
    return AssignmentClock(due_at=due, left=(due - now) if due else None)


def unassigned_filter_choices(*, user) -> dict:
    """The banks, agreements, placements (and branches, for HQ) the filters offer."""
    from cases.models import Agreement, Placement
    from staff.selectors import restrict_to_branch

    agreements = restrict_to_branch(Agreement.objects.all(), user=user, branch_field="branch")
    placements = restrict_to_branch(
        Placement.objects.all(), user=user, branch_field="agreement__branch"
    ).order_by("-received_at")[:50]
    # Plain values: the page is opened all day, and model instances of each agreement,
    # placement and their banks cost more than the options they become.
    agreement_list = list(
        agreements.order_by("bank__name", "number").values_list(
            "pk", "number", "bank_id", "bank__name"
        )
    )
    banks = sorted({(bank, name) for _pk, _n, bank, name in agreement_list}, key=lambda b: b[1])
    branches = list(Branch.objects.values_list("pk", "name")) if sees_all_branches(user) else []
    zone = company_tz()
    return {
        "banks": banks,
        "agreements": [(pk, f"{name} · {number}") for pk, number, _bank, name in agreement_list],
        "placements": [
            (pk, f"#{pk} {name} · {timezone.localtime(received, zone):%Y-%m-%d %H:%M}")
            for pk, name, received in placements.values_list("pk", "bank__name", "received_at")
        ],
        "branches": branches,
    }


# --- Collectors ---------------------------------------------------------------------------


def assignment_branch(user, requested: int | None = None) -> Branch | None:
    """The branch whose cases `user` assigns: their own; HQ the one they chose (or none)."""
    if not may_assign(user):
        return None
    if sees_all_branches(user):
        return Branch.objects.filter(pk=requested).first() if requested else None
    return user_branch(user)


def assignable_collectors(*, branch: Branch | None) -> QuerySet:
    """The phone collectors who can take cases of `branch`: active, in that branch."""
    if branch is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=roles.PHONE_COLLECTOR,
            staff_profile__branch=branch,
            staff_profile__status=StaffProfile.Status.ACTIVE,
        )
        .select_related("staff_profile")
        .order_by("first_name", "last_name", "username")
    )


def assignable_collector_names(*, branch: Branch | None) -> list[tuple[int, str]]:
    """(id, display name) of `assignable_collectors(branch)`, in the same order, as plain
    values: a big branch has thousands of collectors (the bench branch 2,000), and model
    instances for each cost more than the rest of the page that lists them."""
    rows = assignable_collectors(branch=branch).values_list(
        "pk", "first_name", "last_name", "username"
    )
    # The same text as display_name(user): get_full_name() or the username.
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def collector_loads(collector_ids) -> dict[int, tuple[int, Decimal]]:
    """collector id → (open cases, their open balance), in one grouped query."""
    rows = (
        Case.objects.open()
        .filter(assigned_to_id__in=list(collector_ids))
        .order_by()
        .values("assigned_to_id")
        .annotate(cases=Count("pk"), balance=Sum(BALANCE))
    )
    loads = {pk: (0, Decimal(0)) for pk in collector_ids}
    for row in rows:
        loads[row["assigned_to_id"]] = (row["cases"], row["balance"] or Decimal(0))
    return loads


def collector_for_user(*, user, pk: int):
    """A phone collector whose cases `user` supervises (their branch; HQ any), or None."""
    collectors = User.objects.filter(pk=pk, groups__name=roles.PHONE_COLLECTOR).select_related(
        "staff_profile__branch"
    )
    if not may_assign(user):
        return None
    if not sees_all_branches(user):
        collectors = collectors.filter(staff_profile__branch=user_branch(user))
    return collectors.first()


def collector_cases(*, user, collector) -> QuerySet[Case]:
    """The open cases of `collector` that `user` supervises."""
    return (
        supervised_cases(user)
        .open()
        .filter(assigned_to=collector)
        .select_related("bank", "debtor", "last_placement")
        .annotate(total_balance=BALANCE)
    )


# --- Service levels ---------------------------------------------------------------------------


def first_action_sla() -> dt.timedelta:
    return dt.timedelta(minutes=settings.FIRST_ACTION_SLA_MINUTES)


def assignment_breaches_open(*, user, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Open cases still unassigned after their placement's deadline (oldest deadline first)."""
    now = now or timezone.now()
    return (
        supervised_cases(user)
        .open()
        .filter(assigned_to__isnull=True, last_placement__assignment_due_at__lt=now)
        .select_related("bank", "last_placement")
        .order_by("last_placement__assignment_due_at", "pk")
    )


def first_action_breaches_open(*, user, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Open assigned cases whose collector has not acted within the first-action window."""
    now = now or timezone.now()
    return (
        supervised_cases(user)
        .open()
        .filter(
            assigned_to__isnull=False,
            first_action_at__isnull=True,
            assigned_at__lt=now - first_action_sla(),
        )
        .select_related("bank", "assigned_to")
        .order_by("assigned_at", "pk")
    )


def assignment_breaches_in_period(
    *, user, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> dict:
    """Late first assignments made in [start, end), and cases still unassigned whose
    deadline fell in that period."""
    now = now or timezone.now()
    late_assignments = (
        CaseAssignment.objects.visible_to(user)
        .filter(first_after_placement=True, assignment_late=True, assigned_at__gte=start)
        .filter(assigned_at__lt=end)
        .select_related("case", "case__bank", "to_collector")
    )
    if not may_assign(user):
        late_assignments = late_assignments.none()
    still_unassigned = assignment_breaches_open(user=user, now=min(now, end)).filter(
        last_placement__assignment_due_at__gte=start
    )
    return {
        "late_assignments": late_assignments,
        "still_unassigned": still_unassigned,
        "count": late_assignments.count() + still_unassigned.count(),
    }


def first_action_breaches_in_period(
    *, user, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """Current assignments begun in [start, end) whose first action came late or not yet
    (after the window). Earlier assignments of a case are not counted: the first-action
    time is reset when a case is reassigned."""
    now = now or timezone.now()
    window = first_action_sla()
    return (
        supervised_cases(user)
        .filter(assigned_at__gte=start, assigned_at__lt=end, assigned_to__isnull=False)
        .filter(
            Q(first_action_at__isnull=True, assigned_at__lt=now - window)
            | Q(first_action_at__gt=F("assigned_at") + window)
        )
        .select_related("bank", "assigned_to")
        .order_by("assigned_at", "pk")
    )


# Dashboard counts above this show as "100+": counting stops there, so a count costs the
# same on any case table (an index walk that stops, not a scan of the branch's cases).
COUNTED_UP_TO = 100


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count up to `cap` (COUNTED_UP_TO), whether there are more): one query."""
    cap = COUNTED_UP_TO if cap is None else cap
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return min(found, cap), found > cap


def service_level_summary(*, user, now: dt.datetime | None = None) -> dict:
    """Counts for the dashboard: unassigned, of which overdue; open first-action breaches.

    Three queries, each a capped count (`capped_count`; `…_more` says there are more):
    the unassigned ones are found through the index on the collector (NULL = nobody), the
    first-action breaches through the partial index of cases awaiting a first action.
    """
    now = now or timezone.now()
    unassigned = supervised_cases(user).open().filter(assigned_to__isnull=True)
    summary = {}
    for key, queryset in (
        ("unassigned", unassigned),
        ("first_action_breaches", first_action_breaches_open(user=user, now=now)),
    ):
        summary[key], summary[f"{key}_more"] = capped_count(queryset)
    summary["unassigned_overdue"], summary["unassigned_overdue_more"] = _overdue_count(
        unassigned, now
    )
    return summary


def _overdue_count(unassigned: QuerySet[Case], now: dt.datetime) -> tuple[int, bool]:
    """The unassigned cases past their placement's deadline, counted up to the cap among
    the unassigned ones read first (through the index on the collector, NULL = nobody).
    As one capped query PostgreSQL expected the overdue ones early and scanned the whole
    case table when there were none (0.9 s at 1,000,000 cases)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return capped_count(unassigned.filter(last_placement__assignment_due_at__lt=now))
    inner, params = unassigned.order_by().values("pk", "last_placement_id").query.sql_with_params()
    cap = COUNTED_UP_TO
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH u AS MATERIALIZED ({inner}) SELECT count(*) FROM ("  # noqa: S608 - Django-compiled, values are parameters
            "SELECT 1 FROM u JOIN cases_placement p ON p.id = u.last_placement_id "
            "WHERE p.assignment_due_at < %s LIMIT %s) overdue",
            (*params, now, cap + 1),
        )
        (found,) = cursor.fetchone()
    return min(found, cap), found > cap


# --- The supervisor's day ------------------------------------------------------------------------


def start_of_today(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now(), company_tz())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def calls_today_by_collector(*, user, now: dt.datetime | None = None) -> list[dict]:
    """Per collector of the supervisor's branch (HQ: every collector who called): call
    attempts today and conversations (the debtor reached, an outcome that counts as a
    conversation), busiest first; then the branch's collectors who have not called today.

    Read from today's call rows only, by the index on the call time that covers the
    counted columns (`call_started_idx`, an index-only range scan), grouped by collector
    id; the branch is the collectors' branch. Joining the calls to their cases to check
    the case's branch made PostgreSQL scan the branch's cases (2.7 s at 1,000,000 cases).
    A collector works only cases of their own branch, so their calls are the branch's;
    only phone collectors are listed (a supervisor's own calls are not a collector's).
    """
    if not may_assign(user):
        return []
    all_branches = sees_all_branches(user)
    calls = CallLog.objects.filter(started_at__gte=start_of_today(now))
    if not all_branches:
        # The branch's people (a plain subquery: with the role's join PostgreSQL
        # misjudged it and walked the calls collector by collector, 0.9 s).
        calls = calls.filter(
            collector_id__in=StaffProfile.objects.filter(branch=user_branch(user)).values("user_id")
        )
    counts = (
        calls.order_by()
        .values("collector_id")
        .annotate(
            attempts=Count("pk"),
            conversations=Count("pk", filter=Q(party=Party.DEBTOR, outcome__conversation=True)),
        )
    )
    by_collector = {row["collector_id"]: row for row in counts}
    # The phone collectors to list, as plain values (a branch can have hundreds).
    people = User.objects.filter(groups__name=roles.PHONE_COLLECTOR)
    if all_branches:
        people = people.filter(pk__in=list(by_collector))
    else:
        people = people.filter(staff_profile__branch=user_branch(user))
    listed = {
        pk: (
            " ".join(part for part in (first, last) if part) or username,
            (first, last, username),
            is_active and status == StaffProfile.Status.ACTIVE,
        )
        for pk, first, last, username, is_active, status in people.values_list(
            "pk", "first_name", "last_name", "username", "is_active", "staff_profile__status"
        )
    }
    called = sorted(
        (pk for pk in by_collector if pk in listed),
        key=lambda pk: (-by_collector[pk]["attempts"], listed[pk][1][2]),
    )
    # A collector of the branch who has not called yet today is news too: listed with 0.
    idle = sorted(
        (pk for pk, (_name, _key, active) in listed.items() if active and pk not in by_collector),
        key=lambda pk: listed[pk][1],
    )
    return [
        {
            "collector_id": pk,
            "name": listed[pk][0],
            "attempts": by_collector[pk]["attempts"] if pk in by_collector else 0,
            "conversations": by_collector[pk]["conversations"] if pk in by_collector else 0,
        }
        for pk in called + idle
    ]


def overrides_today(*, user, now: dt.datetime | None = None) -> QuerySet[ComplianceOverride]:
    if not may_assign(user):
        return ComplianceOverride.objects.none()
    return (
        ComplianceOverride.objects.visible_to(user)
        .filter(granted_at__gte=start_of_today(now))
        .select_related("case", "collector", "granted_by")
        .order_by("-granted_at", "-pk")
    )


# --- The case's assignment history (timeline and panel) ----------------------------------------


def case_assignments(*, user, case: Case) -> QuerySet[CaseAssignment]:
    return (
        CaseAssignment.objects.visible_to(user)
        .filter(case=case)
        .select_related("from_collector", "to_collector", "assigned_by", "batch")
        .order_by("-assigned_at", "-pk")
    )


case_row_kind("assignments", lambda: CaseAssignment.objects.filter(case_id=OuterRef("pk")))


@timeline_source("assignment")
def assignment_timeline(case: Case, user, limit: int) -> list[TimelineEntry]:
    entries = []
    # Through the case page's reads: a case never assigned costs no query of its own.
    rows = case_page_data(case).newest(
        "assignments", limit, lambda n: list(case_assignments(user=user, case=case)[:n])
    )
    for row in rows:
        if row.from_collector_id is None:
            title = _("Assigned to %(to)s") % {"to": display_name(row.to_collector)}
        elif row.to_collector_id is None:
            title = _("Taken from %(from)s") % {"from": display_name(row.from_collector)}
        elif row.batch_id and row.batch.kind == CaseAssignmentBatch.Kind.HANDOVER:
            title = _("Handed over from %(from)s to %(to)s") % {
                "from": display_name(row.from_collector),
                "to": display_name(row.to_collector),
            }
        else:
            title = _("Reassigned from %(from)s to %(to)s") % {
                "from": display_name(row.from_collector),
                "to": display_name(row.to_collector),
            }
        if row.assignment_late:
            title = f"{title} · {_('assigned late')}"
        entries.append(
            TimelineEntry(
                at=row.assigned_at,
                kind="assignment",
                title=title,
                detail=row.reason,
                actor=display_name(row.assigned_by),
                extra={"batch": row.batch_id},
            )
        )
    return entries
