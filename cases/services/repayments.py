"""Bank repayment files (DESIGN §7, §8): receiving a bank's file of repayments, importing it.

`repayment_file_receive` is what the API and the staff upload page call; it has the
placement upload's rules (`cases.services.bank_files`): size, empty and kind
checked at once, the original stored unchanged with its SHA-256 plus a backup
copy, the same file or Idempotency-Key of the bank returning the first file, the
same key with another file a conflict. The import (`cases.intake.repayments`) is
queued after commit and runs in a Celery task.

Unlike a placement, a repayment file may be filed under an agreement that has
ended: the bank reports the last month's repayments after the termination.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import Agreement, Bank, BankApiKey, RepaymentFile

from .bank_files import BankFileConflict, BankFileInputError, receive_bank_file

RepaymentInputError = BankFileInputError


class RepaymentConflict(BankFileConflict):
    """The Idempotency-Key was already used by this bank for a different file (HTTP 409)."""

    def __init__(self, repayment_file: RepaymentFile):
        super().__init__(
            _(
                "This Idempotency-Key was already used for a different file "
                "(repayment file #%(id)s)."
            )
            % {"id": repayment_file.pk},
        )
        self.repayment_file = repayment_file


def repayment_file_receive(
    *,
    bank: Bank,
    uploaded_file,
    agreement: Agreement | None = None,
    idempotency_key: str = "",
    api_key: BankApiKey | None = None,
    uploaded_by=None,
) -> tuple[RepaymentFile, bool]:
    """Stores a bank's repayment file and queues its import → (file, created).

    Raises RepaymentInputError (nothing stored) or RepaymentConflict.
    """
    from cases.tasks import repayment_import_task  # the task module imports this one

    return receive_bank_file(
        model=RepaymentFile,
        bank=bank,
        uploaded_file=uploaded_file,
        agreement=agreement,
        idempotency_key=idempotency_key,
        api_key=api_key,
        uploaded_by=uploaded_by,
        conflict=RepaymentConflict,
        default_name="repayments",
        queue_import=repayment_import_task.delay,
        allow_terminated=True,
    )


def repayment_import(*, repayment_file_id: int) -> RepaymentFile:
    """Imports a received repayment file; safe to run twice and to re-run after a crash."""
    from cases.intake.repayments import run_repayment_import

    return run_repayment_import(repayment_file_id)
