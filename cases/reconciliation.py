"""Matching the agency's payments with the bank's repayments (DESIGN §8): pure, set-based.

One pass over each side builds a dict keyed by account number; only payments and
repayments of the same account are ever compared, so 100,000 × 100,000 rows cost two
dict builds and a few comparisons per account, not 10^10 pairs.

The rule (docs/decisions.md, "Reconciliation and statements"):
1. *Matched*: same account, same amount, dates at most `tolerance_days` apart. Where
   several pairs are possible the nearest dates pair first, then the earliest
   repayment reference, then the lowest payment id; each repayment matches at most one
   payment and each payment at most one repayment.
2. *Amount difference*: what is left of an account, same rule on the dates but the
   amounts differ: paired by nearest dates, then the smallest difference, then the
   earliest reference, then the lowest payment id.
3. *Agency only*: a payment left over (it stays claimed, for follow-up).
4. *Bank only*: a repayment left over.

Every line carries a reason, which the statement turns into its explanation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

MATCHED = "matched"
AMOUNT_DIFFERENCE = "amount_difference"
AGENCY_ONLY = "agency_only"
BANK_ONLY = "bank_only"
KINDS = (MATCHED, AMOUNT_DIFFERENCE, AGENCY_ONLY, BANK_ONLY)

# Why a line is what it is (the statement line keeps it and explains it).
SAME_DAY = "same_day"  # matched, paid the same day
WITHIN_TOLERANCE = "within_tolerance"  # matched, dates a few days apart
AMOUNTS_DIFFER = "amounts_differ"
NO_REPAYMENT_FOR_ACCOUNT = "no_repayment_for_account"
NO_REPAYMENT_NEAR_DATE = "no_repayment_near_date"
NO_PAYMENT_FOR_ACCOUNT = "no_payment_for_account"
NO_PAYMENT_NEAR_DATE = "no_payment_near_date"
ACCOUNT_NOT_PLACED = "account_not_placed"


class AgencyPayment(NamedTuple):
    id: int
    account_no: str
    amount: Decimal
    paid_on: dt.date


class BankRepaymentRow(NamedTuple):
    id: int
    account_no: str
    amount: Decimal
    paid_on: dt.date
    reference: str
    # False when the bank's account number is not a case the agency holds.
    placed: bool = True


class MatchLine(NamedTuple):
    kind: str
    reason: str
    account_no: str
    payment: AgencyPayment | None = None
    repayment: BankRepaymentRow | None = None

    @property
    def difference(self) -> Decimal:
        """Bank amount minus agency amount (0 on a match; on a one-sided line the amount
        itself, signed: positive when the bank has more)."""
        bank = self.repayment[_AMOUNT] if self.repayment else Decimal("0.00")
        agency = self.payment[_AMOUNT] if self.payment else Decimal("0.00")
        return bank - agency

    @property
    def days_apart(self) -> int | None:
        if self.payment is None or self.repayment is None:
            return None
        return abs((self.repayment[_PAID_ON] - self.payment[_PAID_ON]).days)


# Plain tuple positions: the loops below index rather than look attributes up (a third
# faster over 200,000 rows); the NamedTuples above are tuples, so both work.
_ID, _ACCOUNT, _AMOUNT, _PAID_ON, _REFERENCE, _PLACED = range(6)


def _by_account(rows) -> dict[str, list]:
    groups: dict[str, list] = {}
    get = groups.get
    for row in rows:
        group = get(row[_ACCOUNT])
        if group is None:
            groups[row[_ACCOUNT]] = [row]
        else:
            group.append(row)
    return groups


def _pair_exact(payments: list, repayments: list, days: int):
    """Same amount within `days`: (pairs, payments left, repayments left)."""
    candidates = []
    for payment in payments:
        for repayment in repayments:
            if payment[_AMOUNT] != repayment[_AMOUNT]:
                continue
            apart = abs((repayment[_PAID_ON] - payment[_PAID_ON]).days)
            if apart <= days:
                candidates.append(
                    ((apart, repayment[_REFERENCE], payment[_ID]), payment, repayment)
                )
    return _greedy(candidates, payments, repayments)


def _pair_differences(payments: list, repayments: list, days: int):
    """Different amounts within `days`: (pairs, payments left, repayments left)."""
    candidates = []
    for payment in payments:
        for repayment in repayments:
            apart = abs((repayment[_PAID_ON] - payment[_PAID_ON]).days)
            if apart <= days:
                gap = abs(repayment[_AMOUNT] - payment[_AMOUNT])
                candidates.append(
                    ((apart, gap, repayment[_REFERENCE], payment[_ID]), payment, repayment)
                )
    return _greedy(candidates, payments, repayments)


def _greedy(candidates: list, payments: list, repayments: list):
    """Takes the candidate pairs best first; each side is used at most once."""
    candidates.sort(key=lambda candidate: candidate[0])
    used_payments: set[int] = set()
    used_repayments: set[int] = set()
    pairs = []
    for _rank, payment, repayment in candidates:
        if payment[_ID] in used_payments or repayment[_ID] in used_repayments:
            continue
        used_payments.add(payment[_ID])
        used_repayments.add(repayment[_ID])
        pairs.append((payment, repayment))
    return (
        pairs,
        [payment for payment in payments if payment[_ID] not in used_payments],
        [repayment for repayment in repayments if repayment[_ID] not in used_repayments],
    )


def _split(rows: list) -> tuple[dict, dict]:
    """(account → row, for accounts with one row; account → rows, for accounts with more).

    Most accounts have one payment and one repayment a month: a dict comprehension
    keys them (a third of the time of a loop that builds lists), and only the accounts
    seen twice are grouped into lists.
    """
    single = {row[_ACCOUNT]: row for row in rows}
    if len(single) == len(rows):
        return single, {}
    counts = Counter(map(itemgetter(_ACCOUNT), rows))
    repeated = {account for account, count in counts.items() if count > 1}
    for account in repeated:
        del single[account]
    return single, _by_account(row for row in rows if row[_ACCOUNT] in repeated)


def _account_lines(account: str, payments: list, repayments: list, days: int, append) -> None:
    """The lines of an account with several payments or repayments (the rule in full)."""
    line = MatchLine
    if not repayments:
        for payment in payments:
            append(line(AGENCY_ONLY, NO_REPAYMENT_FOR_ACCOUNT, account, payment, None))
        return
    if not payments:
        for repayment in repayments:
            reason = NO_PAYMENT_FOR_ACCOUNT if repayment[_PLACED] else ACCOUNT_NOT_PLACED
            append(line(BANK_ONLY, reason, account, None, repayment))
        return
    pairs, left_payments, left_repayments = _pair_exact(payments, repayments, days)
    for payment, repayment in pairs:
        reason = SAME_DAY if payment[_PAID_ON] == repayment[_PAID_ON] else WITHIN_TOLERANCE
        append(line(MATCHED, reason, account, payment, repayment))
    if left_payments and left_repayments:
        pairs, left_payments, left_repayments = _pair_differences(
            left_payments, left_repayments, days
        )
        for payment, repayment in pairs:
            append(line(AMOUNT_DIFFERENCE, AMOUNTS_DIFFER, account, payment, repayment))
    for payment in left_payments:
        append(line(AGENCY_ONLY, NO_REPAYMENT_NEAR_DATE, account, payment, None))
    for repayment in left_repayments:
        append(line(BANK_ONLY, NO_PAYMENT_NEAR_DATE, account, None, repayment))


def match(payments, repayments, *, tolerance_days: int) -> list[MatchLine]:
    """The reconciliation lines of one agreement and month.

    `payments` are the agency's (claimed or confirmed), `repayments` the bank's:
    `AgencyPayment` and `BankRepaymentRow` tuples (or plain tuples in their order,
    extra fields after them are carried along).
    """
    if tolerance_days < 0:
        raise ValueError("tolerance_days must be 0 or more")
    days = tolerance_days
    payments = payments if isinstance(payments, list) else list(payments)
    repayments = repayments if isinstance(repayments, list) else list(repayments)
    agency, agency_repeated = _split(payments)
    bank, bank_repeated = _split(repayments)
    # Accounts with more than one row on either side take the full rule.
    several = set(agency_repeated) | set(bank_repeated)
    lines: list[MatchLine] = []
    append = lines.append
    # tuple.__new__ straight: MatchLine(...) goes through a Python-level __new__, a
    # frame per line (100,000 of them).
    new, line = tuple.__new__, MatchLine
    bank_get = bank.get
    latest, earliest = dt.timedelta(days=days), dt.timedelta(days=-days)
    for account, payment in agency.items():
        if account in several:
            continue
        repayment = bank_get(account)
        if repayment is None:
            append(new(line, (AGENCY_ONLY, NO_REPAYMENT_FOR_ACCOUNT, account, payment, None)))
            continue
        apart = repayment[_PAID_ON] - payment[_PAID_ON]  # a timedelta, compared as one
        if apart > latest or apart < earliest:
            append(new(line, (AGENCY_ONLY, NO_REPAYMENT_NEAR_DATE, account, payment, None)))
            append(new(line, (BANK_ONLY, NO_PAYMENT_NEAR_DATE, account, None, repayment)))
        elif payment[_AMOUNT] != repayment[_AMOUNT]:
            append(new(line, (AMOUNT_DIFFERENCE, AMOUNTS_DIFFER, account, payment, repayment)))
        else:
            reason = WITHIN_TOLERANCE if apart else SAME_DAY
            append(new(line, (MATCHED, reason, account, payment, repayment)))
    # The bank's accounts the agency has no payment on: a set difference (in C) rather
    # than a second pass over every repayment.
    for account in sorted(bank.keys() - agency.keys() - several):
        repayment = bank[account]
        reason = NO_PAYMENT_FOR_ACCOUNT if repayment[_PLACED] else ACCOUNT_NOT_PLACED
        append(new(line, (BANK_ONLY, reason, account, None, repayment)))
    for account in sorted(several):
        account_payments = agency_repeated.get(account) or (
            [agency[account]] if account in agency else []
        )
        account_repayments = bank_repeated.get(account) or (
            [bank[account]] if account in bank else []
        )
        _account_lines(account, account_payments, account_repayments, days, append)
    return lines


def totals(lines: list[MatchLine]) -> dict[str, dict[str, object]]:
    """Per kind: how many lines, the agency's and the bank's amounts."""
    out = {kind: {"count": 0, "agency": Decimal("0.00"), "bank": Decimal("0.00")} for kind in KINDS}
    for line in lines:
        figures = out[line.kind]
        figures["count"] += 1
        if line.payment is not None:
            figures["agency"] += line.payment[_AMOUNT]
        if line.repayment is not None:
            figures["bank"] += line.repayment[_AMOUNT]
    return out
