"""The case timeline: everything that happened to a case, newest first, from many sources.

Each kind of record (history of the case row, assignments, calls, holds, contact
points … and, later, promises, payments and visits) contributes a *source*: a
function that returns that kind's newest entries for a case. Sources register
themselves with `@timeline_source` in the module that owns the records (imported
from `CasesConfig.ready()`), so a new kind of record adds a source, never an edit
here.

Paging merges the sources: page N asks every source for its newest N × size + 1
entries (each one indexed query), merges them by time and cuts the page out. The
cost grows with the page number, not with the number of records of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline, as the case page shows it."""

    at: dt.datetime
    kind: str  # the source's key, e.g. "call", "assignment"; the template picks an icon
    title: str  # one short sentence, already translated
    detail: str = ""  # a second line (notes, reason), already translated
    actor: str = ""  # who did it, as a display name
    url: str = ""  # a link to the record, when it has a page of its own
    extra: dict = field(default_factory=dict)  # anything a template of the kind needs

    @property
    def icon(self) -> str:
        """The Bootstrap icon of the line: the source's own (`extra["icon"]`), else its kind's."""
        return self.extra.get("icon") or KIND_ICONS.get(self.kind, "dot")


# Icons by kind, looked up once per line in Python (an if/elif chain in the template cost
# more than the rest of the line); a new kind adds its icon here or in `extra["icon"]`.
KIND_ICONS = {
    "placed": "inbox",
    "balance": "cash-stack",
    "status": "flag",
    "recall": "flag",
    "classification": "tags",
    "contact_added": "telephone-plus",
    "contact_invalid": "telephone-x",
    "hold_placed": "sign-stop",
    "hold_lifted": "play-circle",
    "reveal": "eye",
    "call": "telephone",
    "assignment": "person-check",
}


# (case, viewer, limit) → the source's newest `limit` entries for the case, newest first.
TimelineSource = Callable[..., list[TimelineEntry]]

_SOURCES: dict[str, TimelineSource] = {}


def timeline_source(key: str):
    """Registers a source under `key` (a second registration of the key replaces the first)."""

    def register(function: TimelineSource) -> TimelineSource:
        _SOURCES[key] = function
        return function

    return register


def registered_sources() -> dict[str, TimelineSource]:
    return dict(_SOURCES)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def case_timeline(case, *, user, page: int = 1, per_page: int = 25) -> TimelinePage:
    """Page `page` (1-based) of the case's timeline as `user` may see it."""
    page = max(1, page)
    wanted = page * per_page + 1
    entries: list[TimelineEntry] = []
    for source in _SOURCES.values():
        entries.extend(source(case, user, wanted))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda entry: entry.at or epoch, reverse=True)
    start = (page - 1) * per_page
    window = entries[start : start + per_page + 1]
    return TimelinePage(entries=window[:per_page], number=page, has_next=len(window) > per_page)
