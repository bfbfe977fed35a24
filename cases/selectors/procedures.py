"""Scoped reads of special procedures and collection-period extensions (DESIGN §4.6),
the cases past their period, and their case timeline sources."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Agreement, Case, CollectionPeriodExtension, SpecialProcedure
from cases.selectors import case_list
from cases.selectors.casepage_data import case_page_data
from cases.timeline import TimelineEntry, timeline_source
from collections_office.workdays import company_tz


def procedure_list(*, user) -> QuerySet[SpecialProcedure]:
    return SpecialProcedure.objects.visible_to(user).select_related(
        "case", "requested_by", "started_by", "closed_by"
    )


def period_extension_list(*, user) -> QuerySet[CollectionPeriodExtension]:
    return CollectionPeriodExtension.objects.visible_to(user).select_related("case", "requested_by")


def cases_past_period(*, user, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases the user sees whose collection period (the agreement's, from the
    placement) ended before today, without an approved extension reaching today."""
    tz = company_tz()
    today = today or timezone.localtime(timezone.now(), tz).date()
    midnight = dt.datetime.combine(today, dt.time(0, 0), tz)
    period = ExpressionWrapper(
        F("agreement__collection_period_days") * Value(dt.timedelta(days=1)),
        output_field=DurationField(),
    )
    ends = ExpressionWrapper(F("placed_at") + period, output_field=DateTimeField())
    extended = CollectionPeriodExtension.objects.filter(
        case=OuterRef("pk"),
        status=CollectionPeriodExtension.Status.APPROVED,
        new_ends_on__gte=today,
    )
    # A bound the index on the open cases' placement time can use: no case placed after
    # midnight minus the shortest period of any agreement can be past its period.
    shortest = Agreement.objects.order_by().aggregate(days=Min("collection_period_days"))["days"]
    if shortest is None:
        return case_list(user=user).none()
    return (
        case_list(user=user)
        .open()
        .filter(placed_at__lt=midnight - dt.timedelta(days=shortest))
        .alias(period_ends=ends)
        .filter(period_ends__lt=midnight)
        .filter(~Exists(extended))
        .select_related("agreement", "assigned_to")
        .order_by("placed_at", "pk")
    )


def _name(user) -> str:
    return "" if user is None else (user.get_full_name() or user.get_username())


@timeline_source("procedure")
def procedure_timeline_source(case, user, limit: int) -> list[TimelineEntry]:
    """Each special procedure: requested, and its latest state (one indexed query)."""
    from django.urls import reverse

    entries = []
    # Read once with the case page's procedures panel (case_page_data).
    for procedure in case_page_data(case).special_procedures(limit):
        url = reverse("cases:procedure", args=[procedure.pk])
        entries.append(
            TimelineEntry(
                at=procedure.requested_at,
                kind="procedure",
                title=_("%(kind)s requested: %(status)s")
                % {"kind": procedure.get_kind_display(), "status": procedure.get_status_display()},
                detail=procedure.reason,
                actor=_name(procedure.requested_by),
                url=url,
            )
        )
        if procedure.started_at:
            entries.append(
                TimelineEntry(
                    at=procedure.started_at,
                    kind="procedure",
                    title=_("%(kind)s started") % {"kind": procedure.get_kind_display()},
                    actor=_name(procedure.started_by),
                    url=url,
                )
            )
        if procedure.closed_at:
            entries.append(
                TimelineEntry(
                    at=procedure.closed_at,
                    kind="procedure",
                    title=_("%(kind)s closed") % {"kind": procedure.get_kind_display()},
                    detail=procedure.outcome,
                    actor=_name(procedure.closed_by),
                    url=url,
                )
            )
    return entries


@timeline_source("period_extension")
def period_extension_timeline_source(case, user, limit: int) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=extension.requested_at,
            kind="period_extension",
            title=_("Collection period extension to %(date)s: %(status)s")
            % {"date": extension.new_ends_on.isoformat(), "status": extension.get_status_display()},
            detail=extension.reason,
            actor=_name(extension.requested_by),
        )
        # Read once with the case page's period panel (case_page_data).
        for extension in case_page_data(case).period_extensions(limit)
    ]
