"""A call whose outcome is "promise to pay" records the promise with it: both or neither.

The promise's fields are checked before the call is logged (a refusal names
`promise_amount` / `promise_due_on`); the call and the promise are then written in one
transaction. A call the compliance rules refuse still leaves its recorded refusal (it
is caught inside the transaction, which then commits only the refusal).
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from cases.compliance.checks import ComplianceRefused
from cases.models import CallLog

from .calls import call_log
from .promises import _due_date_errors, company_today, money, promise_record

FIELDS = {"amount": "promise_amount", "due_on": "promise_due_on", "notes": "notes"}


def call_log_with_promise(*, promise_amount, promise_due_on, **call) -> CallLog:
    """`call_log(**call)` and, with it, the debtor's promise to pay."""
    errors: dict[str, str] = {}
    money(promise_amount, field="promise_amount", errors=errors, label=_("amount promised"))
    _due_date_errors(promise_due_on, today=company_today(), field="promise_due_on", errors=errors)
    if errors:
        raise ValidationError(errors)
    refused = None
    logged = None
    try:
        with transaction.atomic():
            try:
                logged = call_log(**call)
            except ComplianceRefused as exc:
                refused = exc
            else:
                try:
                    promise_record(
                        case=call["case"],
                        actor=call["actor"],
                        amount=promise_amount,
                        due_on=promise_due_on,
                        call=logged,
                    )
                except ValidationError as exc:
                    raise ValidationError(
                        {
                            FIELDS.get(field, field): messages
                            for field, messages in exc.message_dict.items()
                        }
                    ) from None
    except BaseException:
        # The call was rolled back with the promise: so goes its recording file.
        if logged is not None and logged.recording:
            with contextlib.suppress(OSError):
                default_storage.delete(logged.recording.name)
        raise
    if refused is not None:
        raise refused
    return logged
