"""What one case page reads, read once: shared by its panels and its timeline sources.

The case page is made of parts written by different areas (the page itself, the calls
panel, the timeline's sources …) and several of them need the same rows: the debtor's
contact points (the debtor card, the contact-point table, the call form, the timeline),
the holds (the banner, the holds card, the timeline), the case's history (the balance
table and chart, the timeline), the newest calls (the calls panel, the timeline). Each
asks `case_page_data(case)` instead of querying: the first ask reads, the others reuse.

The object lives on the case instance, which a request loads once (`case_for_page`), so
it is per request by construction and never outlives the request's data. Lists read
"newest N" keep the largest N asked so far: asking for fewer later slices it, asking
for more reads again (the timeline's page 1 asks 21, the calls panel 10: one query).

Most cases have no rows of most kinds (no hold, no visit, no procedure, no refusal …),
and reading an empty table still costs a query's round trip and the ORM's compiling
(~2 ms of CPU each). So the kinds of rows a case may have are registered
(`case_row_kind`), and the first read of any of them asks, in ONE query, which kinds
this case has (an EXISTS per kind in a single SELECT); a kind the case has none of is
never read — its panel and its timeline source get an empty list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from cases.models import (
    CallLog,
    Case,
    CaseHold,
    CollectionPeriodExtension,
    ContactPoint,
    SpecialProcedure,
    VisitNomination,
)

_ATTRIBUTE = "_case_page_data"

# Every "newest N" list is read with at least this many rows, so that whichever part of
# the page asks first (a panel wanting 10, the timeline's first page wanting 21), the
# others find what they need in that one read. Later timeline pages read more.
PAGE_READ = 25
# History rows read for the page: the balance table shows the balance changes among
# them (up to 24), the timeline's first page needs 21 changes of any kind.
HISTORY_READ = 48


# --- Which kinds of rows the case has (one query) ------------------------------------------

# key -> a function returning the kind's rows of "the case" as a queryset filtered by
# OuterRef to the case row (e.g. `CallLog.objects.filter(case_id=OuterRef("pk"))`).
_KINDS: dict[str, Callable[[], QuerySet]] = {}
# The presence query's SQL is compiled once per process (and again when a kind is
# registered): the only parameter that changes is the case's id, the WHERE's last one.
_CASE_ID = -1_234_567_890


def case_row_kind(key: str, rows: Callable[[], QuerySet]) -> None:
    """Registers a kind of row hanging off a case, under the key its reads use with
    `CasePageData.newest` (those reads then skip a case without such rows). `rows()`
    gives the table's rows of the case, filtered through `OuterRef` to the case's row
    (`OuterRef("pk")`, `OuterRef("debtor_id")` …). Use an indexed filter: it is one
    EXISTS probe per case page."""
    _KINDS[key] = rows
    _presence_query.cache_clear()


def registered_row_kinds() -> tuple[str, ...]:
    return tuple(_KINDS)


@functools.cache
def _presence_query() -> tuple[str, list, list[str]]:
    keys = list(_KINDS)
    queryset = (
        Case.objects.filter(pk=_CASE_ID)
        .order_by()
        .values(**{f"has_{key}": Exists(_KINDS[key]()) for key in keys})
    )
    sql, params = queryset.query.sql_with_params()
    params = list(params)
    if params.count(_CASE_ID) != 1 or params[-1] != _CASE_ID:  # pragma: no cover - guard
        raise RuntimeError("the case presence query's case id is not its last parameter")
    return sql, params, keys


def case_row_kinds_present(case_id: int) -> set[str]:
    """The registered kinds of rows that case `case_id` has (one query)."""
    if not _KINDS:
        return set()
    sql, params, keys = _presence_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:-1], case_id])
        row = cursor.fetchone()
    if row is None:
        return set()
    return {key for key, present in zip(keys, row, strict=True) if present}


class CasePageData:
    def __init__(self, case: Case):
        self.case = case
        self._newest: dict[str, tuple[int, list]] = {}
        self._contact_points: list[ContactPoint] | None = None
        self._present: set[str] | None = None

    def has(self, key: str) -> bool:
        """Whether the case has any row of the registered kind `key`; the first ask reads
        every registered kind at once. An unregistered key: True (read it to know)."""
        if key not in _KINDS:
            return True
        if self._present is None:
            self._present = case_row_kinds_present(self.case.pk)
        return key in self._present

    def newest(self, key: str, limit: int, load) -> list:
        """The newest `limit` rows of `key` (`load(n)` reads the newest n), read with at
        least PAGE_READ rows; read again only when more are asked than were read and the
        earlier read was cut by its limit. Other areas' panels and timeline sources share
        their own rows through it (e.g. the compliance panel and its timeline source)."""
        return self._cached_newest(key, max(limit, PAGE_READ), load)[:limit]

    def _cached_newest(self, key: str, limit: int, load) -> list:
        if not self.has(key):
            self._newest[key] = (limit, [])
            return []
        cached = self._newest.get(key)
        if cached is not None:
            read_limit, rows = cached
            if limit <= read_limit or len(rows) < read_limit:
                return rows[:limit]
        rows = list(load(limit))
        self._newest[key] = (limit, rows)
        return rows

    # --- contact points (all of them: the page lists every one) -------------------------

    @property
    def contact_points(self) -> list[ContactPoint]:
        """Phones first, then addresses; valid before invalid; oldest first (one query)."""
        if self._contact_points is None:
            points = ContactPoint.objects.filter(debtor_id=self.case.debtor_id).select_related(
                "added_by", "invalidated_by"
            )
            self._contact_points = sorted(
                points, key=lambda p: (p.kind != ContactPoint.Kind.PHONE, not p.is_valid)
            )
        return self._contact_points

    @property
    def phones(self) -> list[ContactPoint]:
        return [p for p in self.contact_points if p.kind == ContactPoint.Kind.PHONE]

    # --- holds ---------------------------------------------------------------------------

    def holds(self, limit: int = PAGE_READ) -> list[CaseHold]:
        """Active holds first (at most one per kind), then by their last change, newest first."""

        def load(n):
            return (
                CaseHold.objects.filter(case_id=self.case.pk)
                .select_related("placed_by", "lifted_by")
                .annotate(last_change=Coalesce("lifted_at", "placed_at"))
                .order_by(F("lifted_at").desc(nulls_first=True), "-last_change", "-pk")[:n]
            )

        # Active holds come first: read as many more rows as there can be active ones, so
        # the newest `limit` by last change are always among those read (the timeline).
        wanted = max(limit, PAGE_READ) + len(CaseHold.Kind)
        return self._cached_newest("holds", wanted, load)[:limit]

    # --- calls ---------------------------------------------------------------------------

    def calls(self, limit: int) -> list[CallLog]:
        """The case's newest calls (by the case's index on start time)."""

        def load(n):
            return (
                CallLog.objects.filter(case_id=self.case.pk)
                .select_related("collector", "contact_point", "outcome")
                .order_by("-started_at", "-pk")[:n]
            )

        return self._cached_newest("calls", max(limit, PAGE_READ), load)[:limit]

    def started_call(self, read) -> CallLog | None:
        """The viewer's call on the case that was dialled and not logged yet: `read()`
        (its own query) only when the case has a dialled call of anyone's at all."""
        return read() if self.has("started_calls") else None

    # --- visits, special procedures, period extensions (a panel and a timeline source each)

    def visit_nominations(self, limit: int) -> list[VisitNomination]:
        """The case's newest visit nominations with their people and report."""

        def load(n):
            return (
                VisitNomination.objects.filter(case_id=self.case.pk)
                .select_related("nominated_by", "field_collector", "report")
                .order_by("-nominated_at", "-pk")[:n]
            )

        return self.newest("visit_nominations", limit, load)

    def special_procedures(self, limit: int) -> list[SpecialProcedure]:
        """The case's newest special procedures with the people who moved them."""

        def load(n):
            return (
                SpecialProcedure.objects.filter(case_id=self.case.pk)
                .select_related("requested_by", "started_by", "closed_by")
                .order_by("-requested_at", "-pk")[:n]
            )

        return self.newest("special_procedures", limit, load)

    def period_extensions(self, limit: int | None = None) -> list[CollectionPeriodExtension]:
        """The case's collection-period extensions, newest first; all of them when `limit`
        is None (a case has a handful: the first read of PAGE_READ rows holds them all)."""

        def load(n):
            return (
                CollectionPeriodExtension.objects.filter(case_id=self.case.pk)
                .select_related("requested_by")
                .order_by("-requested_at", "-pk")[:n]
            )

        if limit is not None:
            return self.newest("period_extensions", limit, load)
        rows = self.newest("period_extensions", PAGE_READ, load)
        while len(rows) == self._newest["period_extensions"][0]:  # cut by the limit: more
            rows = self.newest("period_extensions", 2 * len(rows), load)
        return rows

    # --- the case's own history ----------------------------------------------------------

    def history_changes(self, limit: int) -> list:
        """History rows that changed a timeline field (balances, status, classification)
        or created the case, newest first, with each field's previous value."""
        from .casepage import TIMELINE_FIELDS, case_history_changes

        def load(n):
            return case_history_changes(
                case=self.case, fields=TIMELINE_FIELDS, limit=n, also_previous=("assigned_to_id",)
            )

        return self._cached_newest("history", max(limit, HISTORY_READ), load)[:limit]


# The kinds read above. Other areas register theirs beside their reads (assignments,
# compliance records, promises and payments, reveals, linked cases).
case_row_kind("history", lambda: Case.history.model.objects.filter(id=OuterRef("pk")))
case_row_kind("holds", lambda: CaseHold.objects.filter(case_id=OuterRef("pk")))
case_row_kind("calls", lambda: CallLog.objects.filter(case_id=OuterRef("pk")))
case_row_kind(
    "started_calls",
    lambda: CallLog.objects.filter(case_id=OuterRef("pk"), status=CallLog.Status.STARTED),
)
case_row_kind("visit_nominations", lambda: VisitNomination.objects.filter(case_id=OuterRef("pk")))
case_row_kind("special_procedures", lambda: SpecialProcedure.objects.filter(case_id=OuterRef("pk")))
case_row_kind(
    "period_extensions", lambda: CollectionPeriodExtension.objects.filter(case_id=OuterRef("pk"))
)
# The debtor's other cases, whoever may see them: when there are none (most debtors have
# one case) the scoped read of the linked cases is skipped; when there are, it decides.
case_row_kind(
    "linked_cases",
    lambda: Case.objects.filter(debtor_id=OuterRef("debtor_id")).exclude(pk=OuterRef("pk")),
)


def case_page_data(case: Case) -> CasePageData:
    """The case page's shared reads for this case object (created on first use)."""
    data = getattr(case, _ATTRIBUTE, None)
    if data is None:
        data = CasePageData(case)
        setattr(case, _ATTRIBUTE, data)
    return data
