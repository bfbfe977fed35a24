"""Writes of succession: key posts and their successors, and the handover of a leaver.

A handover lists what is handed over (the cases go through the collection workflow's
own handover page; documents, knowledge notes and open tasks are described here), and
each item is confirmed twice: by the successor ("I have it") and by the supervising
person ("it is complete"). The handover completes when every item has both.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from staff.models import Handover, HandoverItem, KeyPost, StaffProfile, Successor

from .access import manages_succession

# The workflow's page for handing a collector's cases to someone else, by URL name;
# staff never imports cases (the app arrows), so it is found by name, if it exists.
CASES_HANDOVER_URL_NAMES = ("cases:handover", "cases:assignment_collector")


def cases_handover_url(leaver: StaffProfile) -> str:
    for name in CASES_HANDOVER_URL_NAMES:
        try:
            return reverse(name, kwargs={"pk": leaver.user_id})
        except NoReverseMatch:
            continue
    return ""


def _require_manager(actor, branch_id: int) -> None:
    if not manages_succession(actor, branch_id):
        raise PermissionDenied(_("Only HR or the branch manager manages succession."))


@transaction.atomic
def key_post_save(
    *, actor, branch, title: str, holder=None, post: KeyPost | None = None
) -> KeyPost:
    _require_manager(actor, branch.pk)
    if holder is not None and holder.branch_id != branch.pk:
        raise ValidationError({"holder": _("The holder works in another branch.")})
    post = post or KeyPost(branch=branch)
    post.title = title.strip()
    post.holder = holder
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def successor_add(
    *, actor, post: KeyPost, profile: StaffProfile, readiness: str, notes: str = ""
) -> Successor:
    _require_manager(actor, post.branch_id)
    if post.holder_id == profile.pk:
        raise ValidationError({"profile": _("The holder cannot be their own successor.")})
    if profile.status != StaffProfile.Status.ACTIVE:
        raise ValidationError({"profile": _("Only active staff can be successors.")})
    successor, _created = Successor.objects.update_or_create(
        post=post, profile=profile, defaults={"readiness": readiness, "notes": notes}
    )
    successor.full_clean()
    return successor


@transaction.atomic
def successor_remove(*, actor, successor: Successor) -> None:
    _require_manager(actor, successor.post.branch_id)
    successor.delete()


DEFAULT_ITEMS = {
    HandoverItem.Kind.CASES: gettext_noop(
        "Every assigned case handed to the successor through the case handover."
    ),
    HandoverItem.Kind.DOCUMENTS: gettext_noop(
        "Working documents and files, and where they are kept."
    ),
    HandoverItem.Kind.KNOWLEDGE: gettext_noop(
        "Notes on the work: contacts, habits of the banks, lessons learnt."
    ),
    HandoverItem.Kind.TASKS: gettext_noop(
        "Open tasks and promised follow-ups, each with its date."
    ),
}


@transaction.atomic
def handover_open(
    *,
    actor,
    leaver: StaffProfile,
    successor: StaffProfile,
    supervisor,
    leaving_on: dt.date,
    items: list[tuple[str, str]] | None = None,
) -> Handover:
    """Opens the checklist of a person who leaves; one item per kind unless given."""
    _require_manager(actor, leaver.branch_id)
    if leaver.pk == successor.pk:
        raise ValidationError({"successor": _("Choose someone other than the person leaving.")})
    if successor.status != StaffProfile.Status.ACTIVE:
        raise ValidationError({"successor": _("The successor must be active staff.")})
    if supervisor.pk in (leaver.user_id, successor.user_id):
        raise ValidationError(
            {
                "supervisor": _(
                    "The supervising person must be neither the leaver nor the successor."
                )
            }
        )
    if Handover.objects.filter(leaver=leaver, status=Handover.Status.OPEN).exists():
        raise ValidationError({"leaver": _("This person already has an open handover.")})
    handover = Handover(
        branch=leaver.branch,
        leaver=leaver,
        successor=successor,
        supervisor=supervisor,
        leaving_on=leaving_on,
        created_by=actor,
    )
    handover.full_clean()
    handover.save()
    for kind, description in items or list(DEFAULT_ITEMS.items()):
        HandoverItem.objects.create(handover=handover, kind=kind, description=description)
    from staff.services import notification_in_their_language

    url = reverse("staff:succession_handover", args=[handover.pk])
    for recipient in (successor.user, supervisor):
        notification_in_their_language(
            recipient=recipient,
            actor=actor,
            make=lambda: (
                _("Handover from %(name)s") % {"name": leaver.display_name},
                _("Confirm each item once it is handed over (last working day %(day)s).")
                % {"day": leaving_on},
            ),
            url=url,
        )
    return handover


@transaction.atomic
def handover_item_confirm(*, actor, item: HandoverItem) -> HandoverItem:
    """The successor or the supervising person confirms one item (each once)."""
    item = HandoverItem.objects.select_for_update().select_related("handover").get(pk=item.pk)
    handover = item.handover
    if handover.status != Handover.Status.OPEN:
        raise ValidationError(_("This handover is already completed."))
    now = timezone.now()
    if actor.pk == handover.successor.user_id:
        if item.successor_confirmed_at:
            raise ValidationError(_("You have already confirmed this item."))
        item.successor_confirmed_at = now
    elif actor.pk == handover.supervisor_id:
        if item.supervisor_confirmed_at:
            raise ValidationError(_("You have already confirmed this item."))
        item.supervisor_confirmed_at = now
    else:
        raise PermissionDenied(_("Only the successor and the supervising person confirm items."))
    item.save()
    open_items = handover.items.filter(successor_confirmed_at__isnull=True) | handover.items.filter(
        supervisor_confirmed_at__isnull=True
    )
    if not open_items.exists():
        handover.status = Handover.Status.COMPLETED
        handover.completed_at = now
        handover.save(update_fields=["status", "completed_at"])
    return item


@transaction.atomic
def thresholds_update(*, actor, values: dict[str, dict]) -> None:
    """HQ HR tunes the early-warning thresholds (company-wide rules, one row a signal)."""
    from staff import roles
    from staff.models import WarningThreshold
    from staff.selectors import has_role, sees_all_branches

    from .signals import SIGNALS

    if not (has_role(actor, roles.HR) and sees_all_branches(actor)):
        raise PermissionDenied(_("Only HR at headquarters sets the early-warning thresholds."))
    errors = {}
    for key, row in values.items():
        if key not in SIGNALS:
            continue
        if row["threshold"] is None or row["threshold"] < 0:
            errors[f"{key}-threshold"] = _("The threshold must be zero or more.")
            continue
        WarningThreshold.objects.update_or_create(
            signal=key,
            defaults={
                "threshold": row["threshold"],
                "window_days": row["window_days"] or 0,
                "enabled": row["enabled"],
            },
        )
    if errors:
        raise ValidationError(errors)
