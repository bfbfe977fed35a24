"""The collector's work queue (DESIGN §4.4): own open cases, what needs doing now first.

The ordering is built from *queue sources*: each has a key, a label, a rank and a
condition `(now, user) -> Q` over columns of the case row. One SQL query annotates
every case with the best (lowest) rank of the sources it matches and that source's
key, then orders by rank, then by balance (highest first). Sources register with
`@queue_source`; part 2 adds "promise due today" and "broken promise" from its own
module (listed in `cases.apps.SOURCE_MODULES`), without editing this one.

Conditions must read columns of the case row (kept up to date by the services, e.g.
`last_call_at`, `next_callback_at`): the queue is read on every page view and stays a
single indexed query whatever the number of calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.db.models.fields import CharField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from collections_office.pages import counted_page

# The rank of a case no source claims ("the rest", by balance).
REST_RANK = 1000
REST_KEY = "rest"


@dataclass(frozen=True)
class QueueSource:
    key: str
    label: str
    rank: int
    condition: Callable[[dt.datetime, object], Q]


_SOURCES: dict[str, QueueSource] = {}


def queue_source(key: str, *, label, rank: int):
    """Registers the decorated `condition(now, user) -> Q` as a source of the queue."""

    def register(condition):
        _SOURCES[key] = QueueSource(key=key, label=label, rank=rank, condition=condition)
        return condition

    return register


def queue_sources() -> list[QueueSource]:
    return sorted(_SOURCES.values(), key=lambda source: (source.rank, source.key))


def reason_labels() -> dict[str, str]:
    labels = {source.key: source.label for source in _SOURCES.values()}
    labels[REST_KEY] = _("By balance")
    return labels


# --- The sources of part 1 --------------------------------------------------------------


@queue_source("callback_due", label=_("Callback due"), rank=10)
def callback_due(now: dt.datetime, user) -> Q:
    return Q(next_callback_at__lte=now)


@queue_source("new_assignment", label=_("New: not yet worked"), rank=30)
def new_assignment(now: dt.datetime, user) -> Q:
    return Q(first_action_at__isnull=True)


@queue_source("not_called", label=_("Not called recently"), rank=50)
def not_called_recently(now: dt.datetime, user) -> Q:
    stale_before = now - dt.timedelta(days=settings.QUEUE_STALE_AFTER_DAYS)
    return Q(last_call_at__isnull=True) | Q(last_call_at__lt=stale_before)


# --- The queue -----------------------------------------------------------------------------

LAST_CONTACT_FILTERS = {
    "never": _("Never contacted"),
    "over_7": _("Not in the last 7 days"),
    "over_30": _("Not in the last 30 days"),
    "within_7": _("In the last 7 days"),
}


def _last_contact_condition(choice: str, now: dt.datetime) -> Q | None:
    if choice == "never":
        return Q(last_contact_at__isnull=True)
    if choice in ("over_7", "over_30"):
        days = 7 if choice == "over_7" else 30
        return Q(last_contact_at__isnull=True) | Q(
            last_contact_at__lt=now - dt.timedelta(days=days)
        )
    if choice == "within_7":
        return Q(last_contact_at__gte=now - dt.timedelta(days=7))
    return None


def collector_queue(
    *,
    user,
    now: dt.datetime | None = None,
    bank: int | None = None,
    bucket: str = "",
    status: str = "",
    last_contact: str = "",
    query: str = "",
) -> QuerySet[Case]:
    """The user's own open cases, each with `queue_rank` and `queue_reason`, in queue order."""
    from cases import selectors

    now = now or timezone.now()
    cases = Case.objects.visible_to(user).open().filter(assigned_to_id=getattr(user, "pk", None))
    if bank:
        cases = cases.filter(bank_id=bank)
    if bucket:
        cases = cases.filter(selectors.overdue_bucket_range(bucket))
    if status and status in Case.OPEN_STATUSES:
        cases = cases.filter(status=status)
    condition = _last_contact_condition(last_contact, now)
    if condition is not None:
        cases = cases.filter(condition)
    if query:
        cases = selectors.case_search(cases, query)
    return annotate_queue_order(cases, user=user, now=now).order_by(
        "queue_rank", "-total_balance", "pk"
    )


def annotate_queue_order(cases: QuerySet[Case], *, user, now: dt.datetime) -> QuerySet[Case]:
    sources = queue_sources()
    conditions = [(source, source.condition(now, user)) for source in sources]
    return cases.annotate(
        total_balance=F("principal") + F("interest") + F("fees"),
        queue_rank=SqlCase(
            *[When(condition, then=Value(source.rank)) for source, condition in conditions],
            default=Value(REST_RANK),
            output_field=IntegerField(),
        ),
        queue_reason=SqlCase(
            *[When(condition, then=Value(source.key)) for source, condition in conditions],
            default=Value(REST_KEY),
            output_field=CharField(),
        ),
    )


def queue_page(queue: QuerySet[Case], *, number, per_page: int) -> Page:
    """One page of `queue` as `(pk, queue_reason)` pairs, and the queue's length, from one
    query: the ranking reads only columns of `case_queue_idx` (an index-only scan), and
    the same scan counts the queue (`counted_page`)."""
    return counted_page(queue.values_list("pk", "queue_reason"), number=number, per_page=per_page)


# What the queue's table shows of a case: read as plain values (no model instances, no
# decryption of the debtor's ID number that the table never shows).
QUEUE_ROW_FIELDS = (
    "pk",
    "account_no",
    "currency",
    "overdue_since",
    "last_call_at",
    "last_contact_at",
    "next_callback_at",
    "assigned_at",
    "first_action_at",
)


def queue_page_rows(page_rows: list[tuple[int, str]]) -> list[dict]:
    """The rows of one page (`queue_page`'s pairs), in the page's order, each a dict of
    QUEUE_ROW_FIELDS, `debtor_name`, `bank_name`, `total_balance` and `queue_reason`.

    Read by id in one query: the pairs come from the user's own scoped queue."""
    reasons = dict(page_rows)
    rows = Case.objects.filter(pk__in=list(reasons)).values(
        *QUEUE_ROW_FIELDS,
        debtor_name=F("debtor__name"),
        bank_name=F("bank__name"),
        total_balance=F("principal") + F("interest") + F("fees"),
    )
    by_id = {row["pk"]: row for row in rows}
    ordered = []
    for pk, reason in page_rows:
        if pk in by_id:
            by_id[pk]["queue_reason"] = reason
            ordered.append(by_id[pk])
    return ordered


def queue_next_after(queue: QuerySet[Case], *, position: tuple | None, exclude_pk: int):
    """The case after `position` (rank, balance, pk) in `queue`'s order; the first if None."""
    following = queue.exclude(pk=exclude_pk)
    if position is not None:
        rank, balance, pk = position
        following = following.filter(
            Q(queue_rank__gt=rank)
            | Q(queue_rank=rank, total_balance__lt=balance)
            | Q(queue_rank=rank, total_balance=balance, pk__gt=pk)
        )
    return following.first()


def queue_position(queue: QuerySet[Case], *, pk: int) -> tuple | None:
    """(rank, balance, pk) of case `pk` in `queue`, or None when it is not in it."""
    row = queue.filter(pk=pk).values_list("queue_rank", "total_balance", "pk").first()
    return tuple(row) if row else None
