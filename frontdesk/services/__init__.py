"""Every write to the front desk's registers.

Each function validates, writes, leaves its history row (with `actor` as the
history user, also when called from a task) and sends its notifications in
one transaction; notification emails go out after commit.
"""

from .common import (
    quiet_notifications,
)
from .documents import (
    ATTACHMENT_DIRECTORY,
    DOCUMENT_CORRECTABLE_FIELDS,
    attachment_void,
    document_attach,
    document_close,
    document_correct,
    document_record_add,
    document_register,
    document_route,
    document_void,
    step_sign,
)
from .messages import (
    MESSAGE_CORRECTABLE_FIELDS,
    message_correct,
    message_mark_handled,
    message_take,
    message_void,
)
from .reminders import (
    document_reminders_send,
)
from .visits import (
    visit_arrive,
    visit_check_out,
    visit_correct,
    visit_preregister,
    visit_register,
    visit_void,
)

__all__ = [
    "ATTACHMENT_DIRECTORY",
    "DOCUMENT_CORRECTABLE_FIELDS",
    "MESSAGE_CORRECTABLE_FIELDS",
    "attachment_void",
    "document_attach",
    "document_close",
    "document_correct",
    "document_record_add",
    "document_register",
    "document_reminders_send",
    "document_route",
    "document_void",
    "message_correct",
    "message_mark_handled",
    "message_take",
    "message_void",
    "quiet_notifications",
    "step_sign",
    "visit_arrive",
    "visit_check_out",
    "visit_correct",
    "visit_preregister",
    "visit_register",
    "visit_void",
]
