"""Assigning cases to collectors (DESIGN §4.3): one case, a selection, everything a
filter matched, an automatic distribution, and reassignment with a reason.

Every move is a `CaseAssignment` row (from, to, by, when, reason, batch) plus a
history row of the case, written in the same transaction as the change.

Two supervisors at the same moment: the cases are locked (SELECT … FOR UPDATE, in
id order so two batches cannot deadlock) and each is moved only if it is still
with the collector the supervisor saw (nobody, on the unassigned list). A case
someone else took in between is not overwritten: it is reported by account number
and by who has it now. A batch applies the rest and reports the taken ones (see
docs/decisions.md); a single case that was taken is an error.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases.models import Case, CaseAssignment, CaseAssignmentBatch
from cases.selectors.assignment import display_name
from collections_office.workdays import company_today
from staff import roles
from staff.models import StaffProfile

User = get_user_model()

# The collector the caller saw: "nobody" for the unassigned list.
NOBODY = None
REASON_MAX = 2000


@dataclass(frozen=True)
class TakenCase:
    """A case that was not moved because it changed after the supervisor saw it."""

    case_id: int
    account_no: str
    now_with: str  # who has it now ("" = nobody)
    status: str

    @property
    def message(self) -> str:
        if self.status not in Case.OPEN_STATUSES:
            return _("Case %(account)s is no longer open (%(status)s).") % {
                "account": self.account_no,
                "status": Case.Status(self.status).label,
            }
        if self.now_with:
            return _("Case %(account)s was just assigned to %(name)s by someone else.") % {
                "account": self.account_no,
                "name": self.now_with,
            }
        return _("Case %(account)s was just unassigned by someone else.") % {
            "account": self.account_no
        }


@dataclass
class AssignmentResult:
    batch: CaseAssignmentBatch | None
    assigned_case_ids: list[int] = field(default_factory=list)
    taken: list[TakenCase] = field(default_factory=list)

    @property
    def assigned_count(self) -> int:
        return len(self.assigned_case_ids)

    def summary(self) -> str:
        text = ngettext("%(n)d case assigned.", "%(n)d cases assigned.", self.assigned_count) % {
            "n": self.assigned_count
        }
        if self.taken:
            text += " " + ngettext(
                "%(n)d case was left as it was, because it changed in the meantime:",
                "%(n)d cases were left as they were, because they changed in the meantime:",
                len(self.taken),
            ) % {"n": len(self.taken)}
            text += " " + " ".join(taken.message for taken in self.taken[:20])
            if len(self.taken) > 20:
                text += " …"
        return text


class AssignmentConflict(ValidationError):
    """The one case asked for was taken by someone else in between."""

    def __init__(self, taken: TakenCase):
        self.taken = taken
        super().__init__({"case": [taken.message]})


# --- Checks ---------------------------------------------------------------------------------


def check_collector(collector, *, branches: set[int]) -> None:
    """`collector` may take cases of `branches`: an active phone collector of that branch."""
    if collector is None:
        raise ValidationError({"collector": pgettext("assignment", "Choose a collector.")})
    profile = StaffProfile.objects.filter(user=collector).select_related("branch").first()
    name = display_name(collector)
    if not collector.groups.filter(name=roles.PHONE_COLLECTOR).exists() or profile is None:
        raise ValidationError(
            {"collector": _("%(name)s is not a phone collector.") % {"name": name}}
        )
    if not collector.is_active or profile.status != StaffProfile.Status.ACTIVE:
        raise ValidationError(
            {"collector": _("%(name)s is no longer active and cannot take cases.") % {"name": name}}
        )
    if len(branches) > 1:
        raise ValidationError(
            {"collector": _("The cases belong to several branches: filter by one branch first.")}
        )
    if branches and profile.branch_id not in branches:
        raise ValidationError(
            {
                "collector": _("%(name)s works in %(branch)s, not in the cases' branch.")
                % {"name": name, "branch": profile.branch.name}
            }
        )


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": _("Say why the case is reassigned.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX}}
        )
    return reason


def _refuse_closed(cases: list[Case]) -> None:
    closed = [case for case in cases if case.status not in Case.OPEN_STATUSES]
    if closed:
        names = ", ".join(
            f"{case.account_no} ({case.get_status_display()})" for case in closed[:10]
        )
        raise ValidationError(
            {
                "cases": ngettext(
                    "This case is not open and cannot be assigned: %(names)s.",
                    "These cases are not open and cannot be assigned: %(names)s.",
                    len(closed),
                )
                % {"names": names}
            }
        )


# --- The move ---------------------------------------------------------------------------------


@dataclass
class _LockedCase:
    pk: int
    status: str
    assigned_to_id: int | None
    branch_id: int
    account_no: str
    assignment_due_at: dt.datetime | None


def _lock(case_ids) -> list[_LockedCase]:
    """The cases' current state, their rows locked until the transaction ends (in id
    order, so two overlapping batches queue up instead of deadlocking)."""
    rows = (
        Case.objects.filter(pk__in=list(case_ids))
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "assigned_to_id",
            "branch_id",
            "account_no",
            "last_placement__assignment_due_at",
        )
    )
    return [_LockedCase(*row) for row in rows]


def _write_case_history(case_ids: list[int], *, actor, reason: str, at: dt.datetime) -> None:
    """One history row per case, copied from the updated rows by INSERT … SELECT.

    What `simple_history.utils.bulk_update_with_history` writes, without building
    5,000 model instances and sending them back: the rows are already in the table.
    (PostgreSQL takes the ids as one array; the embedded SQLite demo in chunks.)
    """
    history = Case.history.model
    columns = [field.column for field in history.tracked_fields]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({column_list}, "  # noqa: S608 - names from the model
        "history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {column_list}, %s, %s, '~', %s FROM {quote(Case._meta.db_table)} "
    )
    values = [at, reason[:100], getattr(actor, "pk", None)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "WHERE id = ANY(%s)", [*values, case_ids])
            return
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(insert + f"WHERE id IN ({marks})", [*values, *chunk])


def _move(
    *,
    moves: dict[int, int],
    expected: dict[int, int | None],
    actor,
    kind: str,
    branch_id: int,
    reason: str = "",
    description: str = "",
    now: dt.datetime | None = None,
) -> AssignmentResult:
    """Moves each case in `moves` (case id → collector id) if it is still open and with
    `expected[case id]`; reports the others. Call inside a transaction."""
    now = now or timezone.now()
    locked = _lock(moves)
    if any(case.branch_id != branch_id for case in locked):
        raise ValidationError({"cases": _("The cases belong to another branch.")})
    movable, taken_cases = [], []
    for case in locked:
        if case.status in Case.OPEN_STATUSES and case.assigned_to_id == expected.get(case.pk):
            if case.assigned_to_id != moves[case.pk]:
                movable.append(case)
        else:
            taken_cases.append(case)
    result = AssignmentResult(batch=None)
    if taken_cases:
        holders = {
            user.pk: display_name(user)
            for user in User.objects.filter(
                pk__in={case.assigned_to_id for case in taken_cases if case.assigned_to_id}
            )
        }
        result.taken = [
            TakenCase(
                case_id=case.pk,
                account_no=case.account_no,
                now_with=holders.get(case.assigned_to_id, ""),
                status=case.status,
            )
            for case in taken_cases
        ]
    if not movable:
        return result

    batch = CaseAssignmentBatch.objects.create(
        kind=kind,
        branch_id=branch_id,
        created_by=actor,
        description=description[:500],
        reason=reason,
        case_count=len(movable),
    )
    result.batch = batch
    # The assignment service level counts the first assignment after the placement.
    assigned_since_placement = set(
        CaseAssignment.objects.filter(
            case_id__in=[case.pk for case in movable],
            assigned_at__gte=F("case__last_placement__received_at"),
        ).values_list("case_id", flat=True)
    )
    by_pair: dict[tuple[int | None, int], list[int]] = defaultdict(list)
    rows = []
    for case in movable:
        to_id = moves[case.pk]
        by_pair[(case.assigned_to_id, to_id)].append(case.pk)
        first = case.pk not in assigned_since_placement
        due = case.assignment_due_at
        rows.append(
            CaseAssignment(
                case_id=case.pk,
                from_collector_id=case.assigned_to_id,
                to_collector_id=to_id,
                assigned_by=actor,
                assigned_at=now,
                reason=reason,
                batch=batch,
                first_after_placement=first,
                assignment_late=bool(first and due is not None and now > due),
            )
        )
    for (from_id, to_id), ids in by_pair.items():
        # Conditional on the collector the supervisor saw; the lock above makes it hold,
        # the condition makes sure a mistake there can never overwrite silently.
        changed = (
            Case.objects.filter(pk__in=ids, assigned_to_id=from_id)
            .filter(status__in=Case.OPEN_STATUSES)
            .update(
                assigned_to_id=to_id,
                assigned_at=now,
                first_action_at=None,
                status=SqlCase(
                    When(status=Case.Status.NEW, then=Value(Case.Status.ASSIGNED)),
                    default=F("status"),
                ),
                updated_at=now,
            )
        )
        if changed != len(ids):
            raise RuntimeError("cases changed under a row lock")
    CaseAssignment.objects.bulk_create(rows, batch_size=2000)
    result.assigned_case_ids = [case.pk for case in movable]
    _write_case_history(
        result.assigned_case_ids,
        actor=actor,
        reason=f"{CaseAssignmentBatch.Kind(kind).label} #{batch.pk}"
        + (f": {reason}" if reason else ""),
        at=now,
    )
    return result


# --- Public services ---------------------------------------------------------------------------


@transaction.atomic
def case_assign(
    *,
    case: Case,
    collector,
    actor,
    expected_collector_id: int | None = NOBODY,
    reason: str = "",
    now: dt.datetime | None = None,
) -> AssignmentResult:
    """Assigns (or reassigns) one case. `expected_collector_id` is who the supervisor saw
    it with; if it has changed since, nothing is written and AssignmentConflict says who
    has it now. A reassignment (the case had a collector) needs a reason."""
    reassignment = expected_collector_id is not None
    reason = _clean_reason(reason, required=reassignment)
    if collector is None:
        raise ValidationError({"collector": pgettext("assignment", "Choose a collector.")})
    _refuse_closed([case])
    check_collector(collector, branches={case.branch_id})
    if collector.pk == expected_collector_id:
        raise ValidationError(
            {
                "collector": _("The case is already with %(name)s.")
                % {"name": display_name(collector)}
            }
        )
    result = _move(
        moves={case.pk: collector.pk},
        expected={case.pk: expected_collector_id},
        actor=actor,
        kind=CaseAssignmentBatch.Kind.REASSIGNMENT
        if reassignment
        else CaseAssignmentBatch.Kind.SINGLE,
        branch_id=case.branch_id,
        reason=reason,
        description=case.account_no,
        now=now,
    )
    if result.taken:
        raise AssignmentConflict(result.taken[0])
    return result


@transaction.atomic
def cases_assign(
    *,
    cases: list[Case],
    collector,
    actor,
    kind: str = CaseAssignmentBatch.Kind.SELECTION,
    description: str = "",
    now: dt.datetime | None = None,
) -> AssignmentResult:
    """Assigns unassigned cases (a selection, or every case a filter matched) to one
    collector. Cases someone else assigned in the meantime are reported, not moved."""
    if not cases:
        raise ValidationError({"cases": pgettext("assignment", "Select at least one case.")})
    if collector is None:
        raise ValidationError({"collector": pgettext("assignment", "Choose a collector.")})
    _refuse_closed(cases)
    branches = {case.branch_id for case in cases}
    check_collector(collector, branches=branches)
    return _move(
        moves={case.pk: collector.pk for case in cases},
        expected={case.pk: NOBODY for case in cases},
        actor=actor,
        kind=kind,
        branch_id=next(iter(branches)),
        description=description,
        now=now,
    )


@transaction.atomic
def cases_reassign(
    *,
    cases: list[Case],
    from_collector,
    to_collector,
    actor,
    reason: str,
    now: dt.datetime | None = None,
) -> AssignmentResult:
    """Moves a selection of `from_collector`'s cases to `to_collector`, with a reason.
    Cases that left `from_collector` in the meantime are reported, not moved."""
    reason = _clean_reason(reason, required=True)
    if not cases:
        raise ValidationError({"cases": pgettext("assignment", "Select at least one case.")})
    if to_collector is None:
        raise ValidationError({"collector": pgettext("assignment", "Choose a collector.")})
    if to_collector.pk == from_collector.pk:
        raise ValidationError({"collector": _("Choose another collector than the current one.")})
    _refuse_closed(cases)
    branches = {case.branch_id for case in cases}
    check_collector(to_collector, branches=branches)
    return _move(
        moves={case.pk: to_collector.pk for case in cases},
        expected={case.pk: from_collector.pk for case in cases},
        actor=actor,
        kind=CaseAssignmentBatch.Kind.REASSIGNMENT,
        branch_id=next(iter(branches)),
        reason=reason,
        description=_("From %(name)s") % {"name": display_name(from_collector)},
        now=now,
    )


@transaction.atomic
def distribution_apply(
    *,
    moves: dict[int, int],
    collectors: list,
    branch_id: int,
    actor,
    description: str = "",
    now: dt.datetime | None = None,
) -> AssignmentResult:
    """Applies a previewed distribution plan exactly (case id → collector id).

    Each collector is checked again (they may have left since the preview); cases
    assigned, recalled or closed since the preview are reported, never dealt anew.
    """
    if not moves:
        raise ValidationError({"cases": _("The plan has no cases.")})
    by_id = {collector.pk: collector for collector in collectors}
    for collector_id in set(moves.values()):
        check_collector(by_id.get(collector_id), branches={branch_id})
    return _move(
        moves=moves,
        expected=dict.fromkeys(moves, NOBODY),
        actor=actor,
        kind=CaseAssignmentBatch.Kind.AUTOMATIC,
        branch_id=branch_id,
        description=description,
        now=now,
    )


def distribution_plan(*, cases, collectors: list, by_bucket: bool, today: dt.date | None = None):
    """The plan for `cases` (already scoped and filtered) over `collectors`, counting each
    collector's current open cases and balance (`assignment_plan.plan_distribution`)."""
    from cases.models import overdue_bucket
    from cases.selectors.assignment import collector_loads

    from .assignment_plan import CollectorLoad, PlanCase, plan_distribution

    today = today or company_today()
    loads = collector_loads([collector.pk for collector in collectors])
    plan_cases = [
        PlanCase(
            id=case.pk,
            balance=case.total_balance,
            bucket=overdue_bucket(case.overdue_since, today) or "",
        )
        for case in cases
    ]
    return plan_distribution(
        plan_cases,
        [
            CollectorLoad(
                id=collector.pk, case_count=loads[collector.pk][0], balance=loads[collector.pk][1]
            )
            for collector in collectors
        ],
        by_bucket=by_bucket,
    )
