"""The ORM batch writer, for SQLite (the embedded demo), where files are small: model
saves, which simple-history records (the rules are in `cases.intake.writers`)."""

from __future__ import annotations

import datetime as dt

from cases.intake.validation import ERROR, Record, RowProblem
from cases.models import Case, ContactPoint, Debtor, Placement

from .common import change_reason, duplicate_message


class OrmWriter:
    def __init__(self, placement: Placement, *, now: dt.datetime):
        self.placement = placement
        self.agreement = placement.agreement
        self.now = now
        self.reason = change_reason(placement)

    def _save(self, instance) -> None:
        instance._change_reason = self.reason
        instance.save()

    def prepare(self, records: list[Record]) -> None:
        return None  # the model fields encrypt on save

    def write(self, records: list[Record], prepared=None) -> tuple[int, int, list[RowProblem]]:
        placement = self.placement
        existing = {
            case.account_no: case
            for case in Case.objects.filter(
                bank_id=placement.bank_id, account_no__in=[r.account_no for r in records]
            )
        }
        id_debtors = {
            debtor.id_number_hash: debtor
            for debtor in Debtor.objects.filter(
                id_number_hash__in={r.id_hash for r in records if r.id_hash}
            )
        }
        created = updated = 0
        duplicates: list[RowProblem] = []
        for record in records:
            case = existing.get(record.account_no)
            if case is not None and case.last_placement_id == placement.pk:
                duplicates.append((record.row_number, "", duplicate_message(), ERROR))
                continue
            debtor = self._debtor_for(record, case, id_debtors)
            if case is None:
                case = Case(
                    bank_id=placement.bank_id,
                    agreement=self.agreement,
                    branch_id=self.agreement.branch_id,
                    account_no=record.account_no,
                    placed_at=self.now,
                )
                created += 1
            else:
                updated += 1
                if case.status == Case.Status.RECALLED:
                    case.status = Case.Status.NEW
                    case.recalled_at = None
                    case.placed_at = self.now
                    case.agreement = self.agreement
                    case.branch_id = self.agreement.branch_id
                    case.assigned_to = None
            case.debtor = debtor
            case.last_placement = placement
            case.principal, case.interest, case.fees = (
                record.principal,
                record.interest,
                record.fees,
            )
            case.currency = record.currency
            case.overdue_since = record.overdue_since or case.overdue_since
            case.product = record.product or case.product
            case.card_no_masked = record.card_no_masked or case.card_no_masked
            self._save(case)
            existing[record.account_no] = case
            self._merge_contacts(debtor, record)
        return created, updated, duplicates

    def _debtor_for(self, record: Record, case: Case | None, id_debtors: dict) -> Debtor:
        if record.id_hash:
            debtor = id_debtors.get(record.id_hash)
            if debtor is None:
                debtor = Debtor(
                    name=record.debtor_name, id_number=record.id_number, id_kind=record.id_kind
                )
                self._save(debtor)
                id_debtors[record.id_hash] = debtor
            return debtor
        if case is not None:
            return case.debtor
        debtor = Debtor(name=record.debtor_name, id_kind=Debtor.IdKind.NONE)
        self._save(debtor)
        return debtor

    def _merge_contacts(self, debtor: Debtor, record: Record) -> None:
        wanted = [(ContactPoint.Kind.PHONE, value, digest) for value, digest in record.phones]
        if record.address:
            wanted.append((ContactPoint.Kind.ADDRESS, record.address, record.address_hash))
        if not wanted:
            return
        known = set(ContactPoint.objects.filter(debtor=debtor).values_list("kind", "value_hash"))
        for kind, value, digest in wanted:
            if (kind, digest) not in known:
                self._save(ContactPoint(debtor=debtor, kind=kind, value=value))
                known.add((kind, digest))
