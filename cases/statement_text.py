"""What a statement line says, in the reader's language, from what the line copied.

A line stores its reason code and its own figures (amounts, dates, reference); the
explanation is written from those alone, so it reads the same after the retention
purge and in either language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import reconciliation as r


def _money(value) -> str:
    return f"{value:,.2f}"


def line_explanation(line) -> str:
    """The explanation of one `StatementLine` (or anything with its attributes)."""
    reason = line.reason
    days = line.days_apart
    if reason == r.SAME_DAY:
        return _("Same account, same amount, paid the same day.")
    if reason == r.WITHIN_TOLERANCE:
        return ngettext(
            "Same account and amount; the bank booked it %(days)s day apart (within the "
            "tolerance of %(tolerance)s).",
            "Same account and amount; the bank booked it %(days)s days apart (within the "
            "tolerance of %(tolerance)s).",
            days,
        ) % {"days": days, "tolerance": line.statement.tolerance_days}
    if reason == r.AMOUNTS_DIFFER:
        return _(
            "The agency recorded %(agency)s, the bank %(bank)s: a difference of %(gap)s. "
            "The payment stays claimed until it is resolved."
        ) % {
            "agency": _money(line.payment_amount),
            "bank": _money(line.repayment_amount),
            "gap": _money(line.difference),
        }
    if reason == r.NO_REPAYMENT_FOR_ACCOUNT:
        return _(
            "The bank reported no repayment on this account this month: follow up; the "
            "payment stays claimed."
        )
    if reason == r.NO_REPAYMENT_NEAR_DATE:
        return _(
            "The bank's repayments on this account are on other dates or already matched: "
            "follow up; the payment stays claimed."
        )
    if reason == r.NO_PAYMENT_FOR_ACCOUNT:
        return _("The bank received this repayment; the agency recorded no payment on the account.")
    if reason == r.NO_PAYMENT_NEAR_DATE:
        return _(
            "The bank received this repayment; the agency's payments on the account are on "
            "other dates or already matched."
        )
    if reason == r.ACCOUNT_NOT_PLACED:
        return _("The bank's account number is not a case placed with the agency.")
    return reason
