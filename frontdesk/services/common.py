"""What every front desk write shares: validated saves with the actor, voids,
correction reasons, notifications in the recipient's language."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.workdays import company_tz
from staff.models import Branch
from staff.selectors import user_branch
from staff.services import notification_in_their_language

from ..selectors import (
    is_desk,
)


def save_with_actor(instance: Model, *, actor, update_fields: list[str] | None = None) -> None:
    """Validates and saves, naming the actor in the history row (also outside a request)."""
    instance.full_clean()
    instance._history_user = actor
    instance.save(update_fields=update_fields)


def required_void_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("Give the reason for voiding.")})
    return reason


def void_entry(instance, *, actor, reason: str, update_fields: list[str] | None = None):
    """Marks a register entry void with its reason: entries are voided, never deleted."""
    if instance.status == instance.Status.VOID:
        raise ValidationError(_("This entry is already void."))
    instance.status = instance.Status.VOID
    instance.void_reason = reason[:255]
    instance._change_reason = reason[:100]
    save_with_actor(instance, actor=actor, update_fields=update_fields)
    return instance


def local_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment, company_tz()).strftime("%Y-%m-%d %H:%M")


def display_name(user) -> str:
    return user.get_full_name() or user.username


# Back-filling past entries (the demo data, a paper register typed in later) must
# not ping people about last week's visitors; `quiet_notifications()` says so.
_quiet = contextvars.ContextVar("frontdesk_quiet_notifications", default=False)


@contextlib.contextmanager
def quiet_notifications():
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def notify_in_their_language(*, recipient, actor, url: str, make) -> None:
    """Sends a notification in the recipient's own language (`make()` → title, body)."""
    if _quiet.get():
        return
    notification_in_their_language(recipient=recipient, actor=actor, url=url, make=make)


def require_desk(actor) -> None:
    if not is_desk(actor):
        raise PermissionDenied("front desk only")


def correction_reason(reason: str) -> str:
    """A correction always says why; the reason becomes the history row's change reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is corrected.")})
    # simple-history keeps at most 100 characters of a change reason.
    return reason[:100]


def apply_changes(instance: Model, changes: dict, allowed: set[str]) -> None:
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(f"{field} cannot be corrected")
        setattr(instance, field, value.strip() if isinstance(value, str) else value)


def desk_branch(actor) -> Branch:
    branch = user_branch(actor)
    if branch is None:
        raise ValidationError(_("Your account has no branch; ask HR to complete your profile."))
    return branch
