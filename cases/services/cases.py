"""Writes on cases that are not part of the import: the bank's recall."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import BankApiKey, Case


class CaseRecallNotAllowed(Exception):
    """The case is already finished (settled or closed): there is nothing to withdraw."""


# A finished case stays finished; anything still being worked can be withdrawn.
RECALLABLE_STATUSES = {
    Case.Status.NEW,
    Case.Status.ASSIGNED,
    Case.Status.IN_PROGRESS,
}


@transaction.atomic
def case_recall(
    *, case: Case, api_key: BankApiKey | None = None, actor=None, reason: str = ""
) -> tuple[Case, bool]:
    """The bank withdraws a case: status → recalled, with the time and a history row.

    Idempotent: recalling a recalled case changes nothing and returns
    (case, False). Work stops because every work queue leaves recalled cases
    out; later issues also close the case's open tasks here.
    `api_key` when the bank recalls through the API; `actor` when staff record
    a recall the bank sent by other means.
    """
    case = Case.objects.select_for_update().select_related("bank").get(pk=case.pk)
    if case.status == Case.Status.RECALLED:
        return case, False
    if case.status not in RECALLABLE_STATUSES:
        raise CaseRecallNotAllowed(
            f"The case is {case.get_status_display().lower()} and cannot be recalled."
        )
    case.status = Case.Status.RECALLED
    case.recalled_at = timezone.now()
    if api_key is not None:
        who = f"bank {case.bank.code} (key {api_key.prefix})"
    elif getattr(actor, "is_authenticated", False):
        who = f"staff ({actor.get_username()}) for bank {case.bank.code}"
    else:
        who = f"bank {case.bank.code}"
    reason = " ".join(reason.split())
    case._change_reason = (f"Recalled by {who}" + (f": {reason}" if reason else ""))[:100]
    # A bank is not a Django user: the history names its key in the reason instead.
    case._history_user = actor if getattr(actor, "is_authenticated", False) else None
    case.save(update_fields=["status", "recalled_at", "updated_at"])
    return case, True
