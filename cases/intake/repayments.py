"""Importing a bank's repayment file: rows → `BankRepayment`s, or errors naming row and column.

The file is read by the placement readers (CSV in UTF-8/GB18030 with the delimiter
detected, XLSX streamed), its header mapped by `plan_columns` with the repayment
fields (English and Chinese headers), and the run has the placement import's shape:
claimed with a conditional update under a run lock that dies with its process (the
recovery sweeper queues a stalled file again), rows in batches that commit with the
file's counters and its position in the file (a resumed run skips the rows done),
file-level problems found before the first batch is written. Imports of one bank
take turns, so a reference is checked against the bank's earlier files safely.

A row is rejected when its account number, amount, date or reference is missing or
bad; when the bank never placed the account with the agency (or placed it under
another agreement); when the amount is not above zero; when the date is in the
future; when its reference already appears in an earlier row of the file or in an
earlier file of the bank.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cases.intake import PlacementFileError
from cases.intake.columns import REPAYMENT_FIELDS, ColumnPlan, plan_columns
from cases.intake.engine import claim, finish_failed, stalled_ids
from cases.intake.readers import SNIFF_BYTES, XLSX, open_source, sniff_kind
from cases.intake.validation import ZERO, _text, fit_to_header, parse_amount, parse_date
from cases.models import BankRepayment, Case, RepaymentFile, RepaymentRowError
from collections_office.run_locks import run_lock, runs_alive, session_lock

logger = logging.getLogger(__name__)

BATCH_ROWS = 2_000
RUN_LOCK_NAMESPACE = 7205  # a repayment file's import
BANK_LOCK_NAMESPACE = 7206  # imports of one bank's repayment files take turns
_LENGTHS = {"account_no": 64, "reference": 120}

# Tests set this to simulate a worker that dies after N batches.
_after_batch_hook = None

# (row number, the bank's column header, message)
Problem = tuple[int, str, str]


@dataclass(slots=True)
class RepaymentRecord:
    row: int
    account_no: str
    amount: Decimal
    paid_on: dt.date
    reference: str


class RepaymentRowValidator:
    """One row → a record, or the problems naming its columns (no database)."""

    def __init__(self, plan: ColumnPlan, *, pad_short_rows: bool, today: dt.date):
        self.plan = plan
        self.pad_short_rows = pad_short_rows
        self.today = today
        self.header = {name: plan.header_for(name) for name in plan.labels}

    def _problem(self, problems: list[Problem], row: int, field: str, message) -> None:
        problems.append((row, self.header.get(field, "") if field else "", str(message)[:500]))

    def validate(self, row: int, cells: list[Any]) -> tuple[RepaymentRecord | None, list[Problem]]:
        problems: list[Problem] = []
        if len(cells) != self.plan.width:
            cells, message = fit_to_header(
                cells, self.plan.width, pad_short_rows=self.pad_short_rows
            )
            if cells is None:
                self._problem(problems, row, "", message)
                return None, problems
        positions = self.plan.positions

        def cell(name: str) -> Any:
            return cells[positions[name]]

        account_no = _text(cell("account_no"))
        if not account_no:
            self._problem(problems, row, "account_no", _("The account number is missing."))
        elif len(account_no) > _LENGTHS["account_no"]:
            self._problem(
                problems,
                row,
                "account_no",
                _("The value is longer than %(max)s characters.") % {"max": _LENGTHS["account_no"]},
            )

        amount = ZERO
        raw_amount = cell("amount")
        if _text(raw_amount) == "":
            self._problem(problems, row, "amount", _("The amount is missing."))
        else:
            try:
                amount = parse_amount(raw_amount)
            except ValueError as exc:
                self._problem(
                    problems, row, "amount", _("The amount %(problem)s.") % {"problem": exc}
                )
            else:
                if amount <= ZERO:
                    self._problem(problems, row, "amount", _("The amount must be above zero."))

        paid_on = None
        try:
            paid_on = parse_date(cell("paid_on"), self.today)
        except ValueError as exc:
            self._problem(problems, row, "paid_on", _("The date %(problem)s.") % {"problem": exc})
        else:
            if paid_on is None:
                self._problem(problems, row, "paid_on", _("The date of the repayment is missing."))

        reference = _text(cell("reference"))
        if not reference:
            self._problem(problems, row, "reference", _("The reference is missing."))
        elif len(reference) > _LENGTHS["reference"]:
            self._problem(
                problems,
                row,
                "reference",
                _("The value is longer than %(max)s characters.") % {"max": _LENGTHS["reference"]},
            )

        if problems:
            return None, problems
        return RepaymentRecord(row, account_no, amount, paid_on, reference), problems


# --- The run -----------------------------------------------------------------------------


def _run_lock(file_id: int):
    return run_lock("repayment-file", RUN_LOCK_NAMESPACE, file_id)


def stalled_repayment_file_ids() -> list[int]:
    """Repayment files that should be importing but no live run holds: the sweeper's list."""
    return stalled_ids(
        RepaymentFile, lambda ids: runs_alive("repayment-file", RUN_LOCK_NAMESPACE, ids)
    )


def run_repayment_import(file_id: int) -> RepaymentFile:
    """Imports a received repayment file; safe to run twice and after a crash."""
    # Messages are stored in English (the bank API returns them as they are); pages
    # translate them (`staff.stored_text`).
    with translation.override("en"), _run_lock(file_id) as locked:
        if not locked or not claim(RepaymentFile, file_id):
            logger.info("repayment file %s: not claimed (done, failed or running)", file_id)
            return RepaymentFile.objects.get(pk=file_id)
        repayment_file = RepaymentFile.objects.select_related("bank", "agreement").get(pk=file_id)
        try:
            with session_lock(BANK_LOCK_NAMESPACE, repayment_file.bank_id, wait=True):
                _import(repayment_file)
        except PlacementFileError as exc:
            finish_failed(repayment_file, exc.message, delete_file=exc.forbidden_data)
        except (OperationalError, InterfaceError):
            raise  # transient: the task retries and the next run resumes
        except Exception:
            logger.exception("repayment file %s: import failed", file_id)
            finish_failed(
                repayment_file,
                _("The import stopped because of an internal error. The agency has been told."),
            )
            raise
    return RepaymentFile.objects.get(pk=file_id)


def _import(repayment_file: RepaymentFile) -> None:
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(settings.COMPANY_TIME_ZONE)).date()
    with repayment_file.original_file.open("rb") as stored:
        fileobj = getattr(stored, "file", stored)
        kind = sniff_kind(fileobj.read(SNIFF_BYTES), repayment_file.original_name)
        source = open_source(fileobj, kind)
        try:
            plan = plan_columns(source.header, repayment_file.bank.column_mapping, REPAYMENT_FIELDS)
            if source.total == 0 and kind != XLSX:
                raise PlacementFileError(_("The file has a header row but no repayments in it."))
            if source.total is not None:
                RepaymentFile.objects.filter(pk=repayment_file.pk).update(
                    rows_total=Greatest(F("rows_done"), source.total)
                )
            validator = RepaymentRowValidator(plan, pad_short_rows=kind == XLSX, today=today)
            _run_batches(repayment_file, source, validator)
        finally:
            source.close()
    _finish_completed(repayment_file)


@dataclass
class _Batch:
    rows: int = 0  # rows of the file in this batch, rejected ones included
    position: int = 0  # the data row of the file that ends the batch
    records: list | None = None
    problems: list | None = None


def _run_batches(repayment_file: RepaymentFile, source, validator) -> None:
    done = RepaymentFile.objects.values_list("rows_done", flat=True).get(pk=repayment_file.pk)
    seen = 0
    batches_written = 0
    references: dict[str, int] = {}  # reference → row, accepted rows of this run
    batch = _Batch(records=[], problems=[])
    for row, cells, problem in source.rows():
        seen += 1
        if seen <= done:
            continue  # committed by an earlier run that died
        batch.rows += 1
        batch.position = seen
        if problem:
            column, message = problem if isinstance(problem, tuple) else ("", problem)
            batch.problems.append((row, column, message))
        else:
            record, problems = validator.validate(row, cells)
            batch.problems.extend(problems)
            if record is not None:
                batch.records.append(record)
        if batch.rows >= BATCH_ROWS:
            _write_batch(repayment_file, validator, batch, references)
            batches_written += 1
            if _after_batch_hook is not None:
                _after_batch_hook(batches_written)
            batch = _Batch(records=[], problems=[])
    if batch.rows:
        _write_batch(repayment_file, validator, batch, references)
    if seen == 0:
        raise PlacementFileError(_("The file has a header row but no repayments in it."))


def _write_batch(repayment_file, validator, batch: _Batch, references: dict[str, int]) -> None:
    """Checks the batch's records against the database and commits them with the errors
    and counters."""
    bank_id, agreement_id = repayment_file.bank_id, repayment_file.agreement_id
    records = batch.records
    problems = list(batch.problems)
    cases = {
        account_no: (case_id, case_agreement)
        for account_no, case_id, case_agreement in Case.objects.filter(
            bank_id=bank_id, account_no__in={record.account_no for record in records}
        ).values_list("account_no", "pk", "agreement_id")
    }
    agreements = dict(repayment_file.bank.agreements.values_list("pk", "number"))
    earlier = {
        reference: (file_id, row)
        for reference, file_id, row in BankRepayment.objects.filter(
            bank_id=bank_id, reference__in={record.reference for record in records}
        ).values_list("reference", "repayment_file_id", "row")
    }
    header = validator.header
    accepted = []
    for record in records:
        case = cases.get(record.account_no)
        message, column = "", ""
        if case is None:
            column = header["account_no"]
            message = _("The bank never placed this account with the agency.")
        elif case[1] != agreement_id:
            column = header["account_no"]
            message = _(
                "The account was placed under another agreement (%(number)s), not the one "
                "of this file."
            ) % {"number": agreements.get(case[1], case[1])}
        elif record.reference in references:
            column = header["reference"]
            message = _(
                "The reference already appears in row %(row)s of this file; only the first "
                "row was imported."
            ) % {"row": references[record.reference]}
        elif record.reference in earlier:
            column = header["reference"]
            file_id, row = earlier[record.reference]
            if file_id == repayment_file.pk:
                message = _(
                    "The reference already appears in row %(row)s of this file; only the "
                    "first row was imported."
                ) % {"row": row}
            else:
                message = _(
                    "The reference was already reported in repayment file #%(file)s (row %(row)s)."
                ) % {"file": file_id, "row": row}
        if message:
            problems.append((record.row, column, message))
            continue
        references[record.reference] = record.row
        accepted.append(
            BankRepayment(
                repayment_file_id=repayment_file.pk,
                bank_id=bank_id,
                agreement_id=agreement_id,
                case_id=case[0],
                account_no=record.account_no,
                amount=record.amount,
                paid_on=record.paid_on,
                reference=record.reference,
                row=record.row,
            )
        )
    with transaction.atomic():
        if accepted:
            bulk_create_with_history(
                accepted,
                BankRepayment,
                batch_size=1000,
                default_change_reason=f"imported from repayment file #{repayment_file.pk}",
            )
        RepaymentRowError.objects.bulk_create(
            [
                RepaymentRowError(
                    repayment_file_id=repayment_file.pk,
                    row_number=row,
                    column=column[:80],
                    message=message[:500],
                )
                for row, column, message in sorted(problems, key=lambda problem: problem[0])
            ],
            batch_size=2000,
        )
        RepaymentFile.objects.filter(pk=repayment_file.pk).update(
            rows_total=Greatest(F("rows_total"), F("rows_done") + batch.rows),
            rows_done=F("rows_done") + batch.rows,
            rows_imported=F("rows_imported") + len(accepted),
            rows_rejected=F("rows_rejected") + len({problem[0] for problem in problems}),
        )


def _finish_completed(repayment_file: RepaymentFile) -> None:
    with transaction.atomic():
        repayment_file = RepaymentFile.objects.select_for_update().get(pk=repayment_file.pk)
        repayment_file.status = RepaymentFile.Status.COMPLETED
        repayment_file.rows_total = repayment_file.rows_done
        repayment_file.finished_at = timezone.now()
        repayment_file._change_reason = "import completed"
        repayment_file.save()
    logger.info(
        "repayment file %s completed: %s rows, %s imported, %s rejected",
        repayment_file.pk,
        repayment_file.rows_total,
        repayment_file.rows_imported,
        repayment_file.rows_rejected,
    )
