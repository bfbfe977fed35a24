"""Scoped reads of succession: the early-warning list, key posts, handovers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from staff.models import Handover, HandoverItem, KeyPost, StaffProfile, Successor
from staff.selectors import get_scoped_object_or_404
from staff.training.access import team_visibility

from .signals import PersonWarnings, read_signals


def early_warning_people(*, user) -> QuerySet[StaffProfile]:
    """The active people of the user's team (never the user: nobody reads their own)."""
    rule = team_visibility(user, include_self=False)
    queryset = StaffProfile.objects.filter(status=StaffProfile.Status.ACTIVE)
    if rule is not None:
        queryset = queryset.filter(rule)
    return queryset.select_related("user", "branch", "department").order_by("employee_number")


def early_warning_list(*, user, today: dt.date, only_flagged: bool = True) -> list[PersonWarnings]:
    """Per person, every signal with its reading; people with a signal on come first."""
    rows = read_signals(early_warning_people(user=user), today=today)
    if only_flagged:
        rows = [row for row in rows if row.signals_on]
    return sorted(rows, key=lambda row: (-len(row.signals_on), row.profile.employee_number))


def key_post_list(*, user) -> QuerySet[KeyPost]:
    return (
        KeyPost.objects.visible_to(user)
        .select_related("branch", "holder__user")
        .prefetch_related(
            Prefetch(
                "successors",
                queryset=Successor.objects.select_related("profile__user").order_by(
                    "readiness", "pk"
                ),
            )
        )
    )


def key_post_get(*, user, pk: int) -> KeyPost:
    return get_scoped_object_or_404(key_post_list(user=user), user=user, pk=pk)


def successor_get(*, user, pk: int) -> Successor:
    return get_scoped_object_or_404(
        Successor.objects.visible_to(user).select_related("post"), user=user, pk=pk
    )


def handover_list(*, user) -> QuerySet[Handover]:
    return Handover.objects.visible_to(user).select_related(
        "branch", "leaver__user", "successor__user", "supervisor"
    )


def handover_get(*, user, pk: int) -> Handover:
    return get_scoped_object_or_404(handover_list(user=user), user=user, pk=pk)


def handover_item_get(*, user, handover: Handover, pk: int) -> HandoverItem:
    return get_scoped_object_or_404(
        HandoverItem.objects.visible_to(user).filter(handover=handover), user=user, pk=pk
    )
