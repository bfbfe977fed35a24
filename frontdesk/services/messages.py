"""Writes to the phone message log: take, relay, correct, mark handled, void."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    PhoneMessage,
    Urgency,
)
from ..selectors import (
    may_handle_message,
    may_manage_message,
)
from ..validators import format_phone
from .common import (
    apply_changes,
    correction_reason,
    desk_branch,
    display_name,
    local_text,
    notify_in_their_language,
    require_desk,
    required_void_reason,
    save_with_actor,
    void_entry,
)


def _message_notify_target(*, recipient, recipient_department):
    """Who is told of a message: the person, or the head of the department it is for."""
    if recipient is not None:
        return recipient
    if recipient_department is None:
        return None
    if recipient_department.head is None:
        raise ValidationError(
            {
                "recipient_department": _(
                    "This department has no head to notify; choose a person instead."
                )
            }
        )
    return recipient_department.head


def _relay_message(phone_message: PhoneMessage, *, notify, actor) -> None:
    def make():
        urgent = phone_message.urgency != Urgency.NORMAL
        title = _("Phone message from %(name)s") % {"name": phone_message.caller_name}
        if urgent:
            title = _("URGENT: %(title)s") % {"title": title}
        lines = [phone_message.message]
        if phone_message.caller_organisation:
            lines.append(_("Organisation: %(org)s") % {"org": phone_message.caller_organisation})
        if phone_message.caller_phone:
            phone = format_phone(phone_message.caller_phone)
            lines.append(_("Call back: %(phone)s") % {"phone": phone})
        lines.append(
            _("Taken by %(desk)s at %(time)s.")
            % {
                "desk": display_name(phone_message.taken_by),
                "time": local_text(phone_message.taken_at),
            }
        )
        return title, "\n".join(lines)

    notify_in_their_language(
        recipient=notify,
        actor=actor,
        url=reverse("frontdesk:message_detail", args=[phone_message.pk]),
        make=make,
    )


@transaction.atomic
def message_take(
    *,
    actor,
    caller_name: str,
    message: str,
    recipient=None,
    recipient_department=None,
    caller_organisation: str = "",
    caller_phone: str = "",
    urgency: str = Urgency.NORMAL,
    outcome: str = PhoneMessage.Outcome.MESSAGE_TAKEN,
    taken_at: dt.datetime | None = None,
) -> PhoneMessage:
    """The desk logs a call; the person (or the department's head) is notified."""
    require_desk(actor)
    notify = _message_notify_target(recipient=recipient, recipient_department=recipient_department)
    now = timezone.now()
    phone_message = PhoneMessage(
        branch=desk_branch(actor),
        caller_name=caller_name.strip(),
        caller_organisation=caller_organisation.strip(),
        caller_phone=caller_phone,
        message=message.strip(),
        recipient=recipient,
        recipient_department=recipient_department if recipient is None else None,
        urgency=urgency,
        outcome=outcome,
        taken_by=actor,
        taken_at=taken_at or now,
        relayed_at=now if notify is not None else None,
    )
    save_with_actor(phone_message, actor=actor)
    if notify is not None:
        _relay_message(phone_message, notify=notify, actor=actor)
    return phone_message


MESSAGE_CORRECTABLE_FIELDS = {
    "caller_name",
    "caller_organisation",
    "caller_phone",
    "message",
    "recipient",
    "recipient_department",
    "urgency",
    "outcome",
    "taken_at",
}


@transaction.atomic
def message_correct(*, phone_message: PhoneMessage, actor, reason: str, **changes) -> PhoneMessage:
    """Corrects a phone message; the history keeps the old values, the reason and who.

    A message moved to another person (or department) while still open is relayed
    to them at once; a handled message keeps the recipient who handled it.
    (`phone_message`, not `message`: "message" is one of the fields to correct.)
    """
    require_desk(actor)
    reason = correction_reason(reason)
    message = PhoneMessage.objects.select_for_update().get(pk=phone_message.pk)
    if not may_manage_message(user=actor, message=message):
        raise PermissionDenied("only the desk of the message's branch corrects it")
    if message.status == PhoneMessage.Status.VOID:
        raise ValidationError(_("A void entry cannot be corrected."))
    before = (message.recipient_id, message.recipient_department_id)
    apply_changes(message, changes, MESSAGE_CORRECTABLE_FIELDS)
    if message.recipient_id is not None:
        message.recipient_department = None  # one recipient: the person wins, as when taken
    moved = (message.recipient_id, message.recipient_department_id) != before
    notify = None
    if moved:
        if message.status != PhoneMessage.Status.OPEN:
            raise ValidationError(
                {"recipient": _("The message is handled; its recipient cannot be changed.")}
            )
        notify = _message_notify_target(
            recipient=message.recipient, recipient_department=message.recipient_department
        )
        message.relayed_at = timezone.now() if notify is not None else None
    message._change_reason = reason
    save_with_actor(message, actor=actor)
    if notify is not None:
        _relay_message(message, notify=notify, actor=actor)
    return message


@transaction.atomic
def message_mark_handled(*, message: PhoneMessage, actor, note: str = "") -> PhoneMessage:
    """The recipient says the message is dealt with (called back, passed on …)."""
    message = PhoneMessage.objects.select_for_update().get(pk=message.pk)
    if not may_handle_message(user=actor, message=message):
        raise PermissionDenied("only the recipient marks a message handled")
    if message.status != PhoneMessage.Status.OPEN:
        raise ValidationError(_("This message is not open."))
    message.status = PhoneMessage.Status.HANDLED
    message.handled_at = timezone.now()
    message.handled_by = actor
    message.handled_note = (note or "").strip()[:255]
    save_with_actor(message, actor=actor)
    return message


@transaction.atomic
def message_void(*, message: PhoneMessage, actor, reason: str) -> PhoneMessage:
    require_desk(actor)
    reason = required_void_reason(reason)
    message = PhoneMessage.objects.select_for_update().get(pk=message.pk)
    return void_entry(message, actor=actor, reason=reason)
