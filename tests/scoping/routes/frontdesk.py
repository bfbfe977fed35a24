"""Scoping battery routes: the front desk.

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # front desk
    "frontdesk:visit_detail": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_reveal_id": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_arrive": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_check_out": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_correct": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_void": lambda f: {"pk": f.visit.pk},
    "frontdesk:message_detail": lambda f: {"pk": f.message.pk},
    "frontdesk:message_handle": lambda f: {"pk": f.message.pk},
    "frontdesk:message_correct": lambda f: {"pk": f.message.pk},
    "frontdesk:message_void": lambda f: {"pk": f.message.pk},
    "frontdesk:document_detail": lambda f: {"pk": f.document.pk},
    "frontdesk:document_route": lambda f: {"pk": f.document.pk},
    "frontdesk:step_sign": lambda f: [
        {"pk": f.document.pk, "step_pk": f.step.pk},
        {"pk": f.home.document.pk, "step_pk": f.step.pk},  # a foreign step under a home id
    ],
    "frontdesk:document_record": lambda f: {"pk": f.document.pk},
    "frontdesk:document_attach": lambda f: {"pk": f.document.pk},
    "frontdesk:attachment_download": lambda f: [
        {"pk": f.document.pk, "attachment_pk": f.attachment.pk},
        {"pk": f.home.document.pk, "attachment_pk": f.attachment.pk},
    ],
    "frontdesk:attachment_void": lambda f: [
        {"pk": f.document.pk, "attachment_pk": f.attachment.pk},
        {"pk": f.home.document.pk, "attachment_pk": f.attachment.pk},
    ],
    "frontdesk:document_correct": lambda f: {"pk": f.document.pk},
    "frontdesk:document_close": lambda f: {"pk": f.document.pk},
    "frontdesk:document_void": lambda f: {"pk": f.document.pk},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {}
