"""What the assessment gives the other staff areas: the early-warning list's "low
assessment" signal (staff/succession/signals.py leaves it to this area)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from staff.models import Assessment
from staff.succession.signals import OFF, ON, Reading, signal_source


@signal_source("low_assessment")
def low_assessment(profiles, setting, today):
    """On when the person's latest finalised assessment (of any kind) that ended within the
    window has a total below the threshold. One query for the whole list."""
    profiles = list(profiles)
    since = today - dt.timedelta(days=setting.window_days or 365)
    latest = {}
    for subject_id, total, kind, label in (
        Assessment.objects.filter(
            subject_id__in=[p.user_id for p in profiles],
            status=Assessment.Status.FINALISED,
            total__isnull=False,
            round__period_end__gte=since,
            round__period_end__lte=today,
        )
        .order_by("subject_id", "-round__period_end", "-pk")
        .values_list("subject_id", "total", "round__template__kind", "round__label")
    ):
        latest.setdefault(subject_id, (total, kind, label))
    readings = {}
    for profile in profiles:
        found = latest.get(profile.user_id)
        if found is None:
            readings[profile.pk] = Reading(
                OFF,
                _("No finalised assessment in the last %(days)s days.")
                % {"days": (today - since).days},
            )
            continue
        total, _kind, label = found
        words = {"total": total, "period": label, "threshold": setting.threshold}
        if total < setting.threshold:
            readings[profile.pk] = Reading(
                ON, _("Assessment %(period)s: total %(total)s, below %(threshold)s.") % words
            )
        else:
            readings[profile.pk] = Reading(
                OFF, _("Assessment %(period)s: total %(total)s, not below %(threshold)s.") % words
            )
    return readings
