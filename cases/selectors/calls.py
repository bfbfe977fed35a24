"""Scoped reads of the call log, and the calls' entries in the case timeline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CallLog, CallOutcome, Case, ComplianceRefusal
from cases.timeline import TimelineEntry, timeline_source
from collections_office.personal_data import mask_phone
from collections_office.workdays import company_tz


def call_list(*, user) -> QuerySet[CallLog]:
    """Calls of the cases `user` may see."""
    return CallLog.objects.visible_to(user).select_related(
        "case", "case__bank", "collector", "contact_point", "outcome", "compliance_override"
    )


def case_calls(*, case: Case, limit: int = 10) -> list[CallLog]:
    """The case's newest calls (the case was scoped by the caller): one indexed query."""
    return list(
        CallLog.objects.filter(case_id=case.pk)
        .select_related("collector", "contact_point", "outcome")
        .order_by("-started_at", "-pk")[:limit]
    )


def active_outcomes() -> QuerySet[CallOutcome]:
    return CallOutcome.objects.filter(is_active=True).order_by("sort_order", "code")


def duration_text(seconds: int) -> str:
    minutes, seconds = divmod(seconds or 0, 60)
    return f"{minutes}:{seconds:02d}"


@timeline_source("call")
def call_timeline_entries(case: Case, user, limit: int) -> list[TimelineEntry]:
    entries = []
    from .casepage_data import case_page_data

    for call in case_page_data(case).calls(limit):
        if call.status == CallLog.Status.STARTED:
            title = _("Call to %(number)s dialled, not logged yet") % {
                "number": mask_phone(call.contact_point.value)
            }
        else:
            title = _("Call to %(number)s (%(party)s): %(outcome)s, %(duration)s") % {
                "number": mask_phone(call.contact_point.value),
                "party": call.get_party_display(),
                "outcome": call.outcome,
                "duration": duration_text(call.duration_seconds),
            }
        entries.append(
            TimelineEntry(
                at=call.started_at,
                kind="call",
                title=title,
                detail=call.notes,
                actor=call.collector.get_full_name() or call.collector.get_username(),
                url=reverse("cases:call_detail", args=[call.pk]),
                extra={"status": call.status, "has_recording": bool(call.recording)},
            )
        )
    return entries


# --- The collector's day (dashboard) ---------------------------------------------------------


def start_of_today() -> dt.datetime:
    now = timezone.localtime(timezone.now(), company_tz())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def collector_day(*, user) -> dict:
    """Today's figures of one collector, and what is due on their own open cases."""
    now = timezone.now()
    today = start_of_today()
    calls = CallLog.objects.filter(collector=user, started_at__gte=today).aggregate(
        calls=Count("pk"),
        conversations=Count("pk", filter=Q(party="debtor", outcome__conversation=True)),
        drafts=Count("pk", filter=Q(status=CallLog.Status.DRAFT)),
    )
    own = Case.objects.visible_to(user).open().filter(assigned_to_id=user.pk)
    due = own.aggregate(
        callbacks_due=Count("pk", filter=Q(next_callback_at__lte=now)),
        callbacks_today=Count(
            "pk",
            filter=Q(next_callback_at__gt=now, next_callback_at__lt=today + dt.timedelta(days=1)),
        ),
        new_assignments=Count("pk", filter=Q(first_action_at__isnull=True)),
        open_cases=Count("pk"),
    )
    refusals = ComplianceRefusal.objects.filter(collector=user, refused_at__gte=today).count()
    sla = dt.timedelta(minutes=settings.FIRST_ACTION_SLA_MINUTES)
    new_cases = list(
        own.filter(first_action_at__isnull=True)
        .select_related("bank", "debtor")
        .order_by("assigned_at", "pk")[:10]
    )
    for case in new_cases:
        case.first_action_due = case.assigned_at + sla if case.assigned_at else None
        case.first_action_late = case.first_action_due is not None and case.first_action_due < now
    return {
        **calls,
        **due,
        "refusals": refusals,
        "new_cases": new_cases,
        "sla_minutes": settings.FIRST_ACTION_SLA_MINUTES,
    }
