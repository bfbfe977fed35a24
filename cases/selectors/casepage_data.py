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
"""

from __future__ import annotations

from django.db.models import F
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


class CasePageData:
    def __init__(self, case: Case):
        self.case = case
        self._newest: dict[str, tuple[int, list]] = {}
        self._contact_points: list[ContactPoint] | None = None

    def newest(self, key: str, limit: int, load) -> list:
        """The newest `limit` rows of `key` (`load(n)` reads the newest n), read with at
        least PAGE_READ rows; read again only when more are asked than were read and the
        earlier read was cut by its limit. Other areas' panels and timeline sources share
        their own rows through it (e.g. the compliance panel and its timeline source)."""
        return self._cached_newest(key, max(limit, PAGE_READ), load)[:limit]

    def _cached_newest(self, key: str, limit: int, load) -> list:
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


def case_page_data(case: Case) -> CasePageData:
    """The case page's shared reads for this case object (created on first use)."""
    data = getattr(case, _ATTRIBUTE, None)
    if data is None:
        data = CasePageData(case)
        setattr(case, _ATTRIBUTE, data)
    return data
