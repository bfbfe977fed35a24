"""Writes to the visitor log: register, pre-register, arrive, check out, correct, void."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.selectors import profile_of

from ..models import (
    Visit,
)
from ..selectors import (
    department_of,
    may_manage_visit,
)
from .common import (
    apply_changes,
    correction_reason,
    desk_branch,
    local_text,
    notify_in_their_language,
    require_desk,
    required_void_reason,
    save_with_actor,
    void_entry,
)


def _notify_host_of_arrival(visit: Visit, actor) -> None:
    def make():
        title = _("Visitor for you: %(name)s") % {"name": visit.visitor_name}
        lines = [
            _("%(name)s arrived at %(time)s.")
            % {"name": visit.visitor_name, "time": local_text(visit.arrived_at)},
        ]
        if visit.organisation:
            lines.append(_("Organisation: %(org)s") % {"org": visit.organisation})
        lines.append(_("Purpose: %(purpose)s") % {"purpose": visit.purpose})
        return title, "\n".join(lines)

    notify_in_their_language(
        recipient=visit.host,
        actor=actor,
        url=reverse("frontdesk:visit_detail", args=[visit.pk]),
        make=make,
    )


@transaction.atomic
def visit_register(
    *,
    actor,
    visitor_name: str,
    purpose: str,
    host,
    organisation: str = "",
    phone: str = "",
    arrived_at: dt.datetime | None = None,
    id_document_type: str = "",
    id_number: str = "",
    badge_number: str = "",
    notes: str = "",
) -> Visit:
    """The desk registers a visitor who has arrived; the host is told at once."""
    require_desk(actor)
    visit = Visit(
        branch=desk_branch(actor),
        status=Visit.Status.ON_SITE,
        visitor_name=visitor_name.strip(),
        organisation=organisation.strip(),
        phone=phone,
        purpose=purpose.strip(),
        host=host,
        host_department=department_of(host),
        arrived_at=arrived_at or timezone.now(),
        id_document_type=id_document_type,
        id_number=id_number,
        badge_number=badge_number.strip(),
        notes=notes.strip(),
        registered_by=actor,
    )
    save_with_actor(visit, actor=actor)
    _notify_host_of_arrival(visit, actor)
    return visit


@transaction.atomic
def visit_preregister(
    *,
    actor,
    visitor_name: str,
    purpose: str,
    host,
    expected_at: dt.datetime,
    organisation: str = "",
    phone: str = "",
    notes: str = "",
) -> Visit:
    """Any member of staff announces an expected visitor; the desk admits them on arrival."""
    host_profile = profile_of(host)
    branch = host_profile.branch if host_profile else desk_branch(actor)
    visit = Visit(
        branch=branch,
        status=Visit.Status.EXPECTED,
        visitor_name=visitor_name.strip(),
        organisation=organisation.strip(),
        phone=phone,
        purpose=purpose.strip(),
        host=host,
        host_department=department_of(host),
        expected_at=expected_at,
        notes=notes.strip(),
        registered_by=actor,
    )
    save_with_actor(visit, actor=actor)
    return visit


@transaction.atomic
def visit_arrive(
    *,
    visit: Visit,
    actor,
    id_document_type: str = "",
    id_number: str = "",
    badge_number: str = "",
) -> Visit:
    """An expected visitor has arrived: one click turns the pre-registration into a visit."""
    require_desk(actor)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.EXPECTED:
        raise ValidationError(_("This visitor is not expected any more (already arrived or void)."))
    visit.status = Visit.Status.ON_SITE
    visit.arrived_at = timezone.now()
    if id_document_type or id_number:
        visit.id_document_type = id_document_type
        visit.id_number = id_number
    if badge_number:
        visit.badge_number = badge_number.strip()
    save_with_actor(visit, actor=actor)
    _notify_host_of_arrival(visit, actor)
    return visit


@transaction.atomic
def visit_check_out(*, visit: Visit, actor, departed_at: dt.datetime | None = None) -> Visit:
    """Records that the visitor left (and handed back the badge)."""
    require_desk(actor)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.ON_SITE:
        raise ValidationError(_("Only a visitor who is in the building can be checked out."))
    departed_at = departed_at or timezone.now()
    if departed_at < visit.arrived_at:
        raise ValidationError({"departed_at": _("The departure is before the arrival.")})
    visit.status = Visit.Status.LEFT
    visit.departed_at = departed_at
    save_with_actor(visit, actor=actor)
    return visit


@transaction.atomic
def visit_correct(*, visit: Visit, actor, reason: str, **changes) -> Visit:
    """Corrects a visit's details; the history keeps the old values, the reason and who."""
    require_desk(actor)
    reason = correction_reason(reason)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not may_manage_visit(user=actor, visit=visit):
        raise PermissionDenied("only the desk of the visit's branch corrects it")
    if visit.status == Visit.Status.VOID:
        raise ValidationError(_("A void entry cannot be corrected."))
    allowed = {
        "visitor_name",
        "organisation",
        "phone",
        "purpose",
        "host",
        "arrived_at",
        "departed_at",
        "id_document_type",
        "id_number",
        "badge_number",
        "notes",
    }
    apply_changes(visit, changes, allowed)
    visit.host_department = department_of(visit.host)
    visit._change_reason = reason
    save_with_actor(visit, actor=actor)
    return visit


@transaction.atomic
def visit_void(*, visit: Visit, actor, reason: str) -> Visit:
    """A wrong entry is voided with a reason, never deleted."""
    require_desk(actor)
    reason = required_void_reason(reason)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    return void_entry(visit, actor=actor, reason=reason)
