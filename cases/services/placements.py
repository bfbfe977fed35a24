"""Placements: receiving a bank's file of overdue accounts, and importing it (DESIGN §4.2).

`placement_receive` is what the API and the staff upload page call: cheap checks
that answer at once (size, empty, not CSV/XLSX, agreement), the original bytes
stored unchanged with their SHA-256 plus a copy in the backup storage, and the
import queued after commit. The same file (or the same Idempotency-Key) returns
the first placement, also when two uploads race.

`placement_import` is the import itself (see `cases.intake.engine`), run by the
Celery task and directly by tests, the demo and the benchmark.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.intake.engine import run_import
from cases.models import Agreement, Bank, BankApiKey, Placement

from .bank_files import BankFileConflict, BankFileInputError, receive_bank_file

# The upload's errors, shared with the other bank files (repayment files).
PlacementInputError = BankFileInputError


class PlacementConflict(BankFileConflict):
    """The Idempotency-Key was already used by this bank for a different file (HTTP 409)."""

    def __init__(self, placement: Placement):
        super().__init__(
            _("This Idempotency-Key was already used for a different file (placement #%(id)s).")
            % {"id": placement.pk},
        )
        self.placement = placement


def placement_receive(
    *,
    bank: Bank,
    uploaded_file,
    agreement: Agreement | None = None,
    idempotency_key: str = "",
    api_key: BankApiKey | None = None,
    uploaded_by=None,
) -> tuple[Placement, bool]:
    """Stores a bank's placement file and queues its import → (placement, created).

    Raises PlacementInputError (nothing stored) or PlacementConflict.
    """
    from cases.tasks import placement_import_task  # the task module imports this one

    return receive_bank_file(
        model=Placement,
        bank=bank,
        uploaded_file=uploaded_file,
        agreement=agreement,
        idempotency_key=idempotency_key,
        api_key=api_key,
        uploaded_by=uploaded_by,
        conflict=PlacementConflict,
        default_name="placement",
        queue_import=placement_import_task.delay,
    )


def placement_import(*, placement_id: int, engine: str = "") -> Placement:
    """Imports a received placement; safe to run twice and to re-run after a crash.

    `engine` ("postgresql" or "orm") is for tests that exercise both writers;
    by default the database decides.
    """
    return run_import(placement_id, engine=engine)
