"""Preparing, approving, publishing and correcting statements (cases.services.statements)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cases.models import Payment, Statement, StatementImmutable, StatementLine
from cases.services.statements import (
    statement_approve,
    statement_correct,
    statement_line_note,
    statement_prepare,
    statement_publish,
)
from cases.statement_text import line_explanation

from .conftest import NOVEMBER, nov, payment, repayment, repayment_file

pytestmark = pytest.mark.django_db


def lines_of(statement):
    return {
        (line.kind, line.account_no, line.payment_id, line.repayment_id): line
        for line in statement.lines.all()
    }


def test_every_kind_of_line_with_its_reason_and_the_tie(november, agreement_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    p, r = november["payments"], november["repayments"]
    got = {key: line.reason for key, line in lines_of(statement).items()}
    assert got == {
        ("matched", "ACC-same", p["same"].pk, r["same"].pk): "same_day",
        ("matched", "ACC-near", p["near"].pk, r["near"].pk): "within_tolerance",
        ("matched", "ACC-confirmed", p["confirmed"].pk, r["confirmed"].pk): "same_day",
        # The tie: two equal payments, one repayment: the lower payment id matches.
        ("matched", "ACC-tie", p["tie_first"].pk, r["tie"].pk): "same_day",
        ("agency_only", "ACC-tie", p["tie_second"].pk, None): "no_repayment_near_date",
        ("amount_difference", "ACC-differ", p["differ"].pk, r["differ"].pk): "amounts_differ",
        ("agency_only", "ACC-agency", p["agency"].pk, None): "no_repayment_for_account",
        ("bank_only", "ACC-bank", None, r["bank"].pk): "no_payment_for_account",
        ("bank_only", "NOT-OURS-1", None, r["unknown"].pk): "account_not_placed",
    }
    assert statement.status == Statement.Status.DRAFT
    assert (statement.matched_count, statement.matched_amount) == (4, Decimal("440.00"))
    assert (statement.difference_count, statement.difference_agency_amount) == (
        1,
        Decimal("300.00"),
    )
    assert statement.difference_bank_amount == Decimal("290.00")
    assert (statement.agency_only_count, statement.agency_only_amount) == (2, Decimal("110.00"))
    assert (statement.bank_only_count, statement.bank_only_amount) == (2, Decimal("110.00"))
    # Flat 12 % on the matched repayments: 440.00 × 0.12.
    assert statement.commission_total == Decimal("52.80")
    assert statement.tolerance_days == 3


def test_every_line_is_explained_from_its_own_figures(november, agreement_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    explanations = {
        line.account_no + line.kind: line_explanation(line) for line in statement.lines.all()
    }
    assert "2 days apart" in explanations["ACC-nearmatched"]
    assert "300.00" in explanations["ACC-differamount_difference"]
    assert "-10.00" in explanations["ACC-differamount_difference"]
    assert "not a case placed" in explanations["NOT-OURS-1bank_only"]
    assert all(text and not text.startswith(("no_", "same_")) for text in explanations.values())


def test_rows_outside_the_month_or_of_unfinished_files_stay_out(november, agreement_a, collector_a):
    case = november["cases"]["agency"]
    payment(case, amount="11.00", paid_on=dt.date(2026, 10, 15), claimed_by=collector_a)
    repayment(
        november["file"], account_no="ACC-agency", amount="12.00", paid_on=dt.date(2026, 12, 1)
    )
    unfinished = repayment_file(agreement_a, status="processing")
    repayment(unfinished, account_no="ACC-agency", amount="50.00", paid_on=nov(20))
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    accounts = [line.account_no for line in statement.lines.filter(account_no="ACC-agency")]
    assert accounts == ["ACC-agency"]  # only November's agency-only payment


def test_a_claimed_payment_from_the_last_days_of_the_previous_month_meets_its_repayment(
    november, agreement_a, collector_a
):
    case = november["cases"]["bank"]
    late = payment(case, amount="70.00", paid_on=dt.date(2026, 10, 30), claimed_by=collector_a)
    early = repayment(november["file"], account_no="ACC-bank", amount="70.00", paid_on=nov(1))
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = statement.lines.get(account_no="ACC-bank", kind="matched")
    assert (line.payment_id, line.repayment_id) == (late.pk, early.pk)


def test_a_re_run_replaces_the_draft(november, agreement_a, collector_a):
    first = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    payment(november["cases"]["bank"], amount="70.00", paid_on=nov(21), claimed_by=collector_a)
    again = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    assert again.pk == first.pk
    assert Statement.objects.filter(agreement=agreement_a, month=NOVEMBER).count() == 1
    assert again.matched_count == 5
    assert again.lines.filter(account_no="ACC-bank").get().kind == "matched"


def test_a_future_or_current_month_is_refused(at_today, agreement_a):
    with pytest.raises(ValidationError) as error:
        statement_prepare(agreement=agreement_a, month=dt.date(2026, 12, 1))
    assert "has not ended yet" in str(error.value)


def test_approval_confirms_the_matched_payments_and_moves_the_balances(
    november, agreement_a, finance_a
):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    p = november["payments"]
    before = november["cases"]["same"].balance
    approved = statement_approve(statement=statement, actor=finance_a)
    assert approved.status == Statement.Status.APPROVED
    assert approved.approved_by == finance_a
    statuses = {key: Payment.objects.get(pk=payment.pk).status for key, payment in p.items()}
    assert statuses == {
        "same": "confirmed",
        "near": "confirmed",
        "confirmed": "confirmed",
        "tie_first": "confirmed",
        "tie_second": "claimed",  # agency only: stays claimed, for follow-up
        "differ": "claimed",  # amount difference: not confirmed
        "agency": "claimed",
    }
    case = november["cases"]["same"]
    case.refresh_from_db()
    assert case.balance == before - Decimal("100.00")
    confirmed = Payment.objects.get(pk=p["same"].pk)
    assert confirmed.confirmed_by == finance_a
    assert confirmed.history.filter(status="confirmed", history_user=finance_a).exists()
    assert set(approved.lines.filter(kind="matched").values_list("payment_status", flat=True)) == {
        "confirmed"
    }


def test_approving_twice_is_a_clear_error(november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    statement_approve(statement=statement, actor=finance_a)
    with pytest.raises(ValidationError) as error:
        statement_approve(statement=statement, actor=finance_a)
    assert "already approved" in str(error.value)


def test_an_approved_statement_cannot_be_edited(november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    statement_approve(statement=statement, actor=finance_a)
    statement.refresh_from_db()
    statement.commission_total = Decimal("999.00")
    with pytest.raises(StatementImmutable) as error:
        statement.save()
    assert "cannot be changed" in str(error.value)
    line = statement.lines.first()
    with pytest.raises(ValidationError) as error:
        statement_line_note(line=line, actor=finance_a, note="call the bank")
    assert "approved" in str(error.value)
    with pytest.raises(ValidationError):
        statement_prepare(agreement=agreement_a, month=NOVEMBER)
    with pytest.raises(StatementImmutable):
        statement.delete()
    statement.refresh_from_db()
    assert statement.commission_total == Decimal("52.80")
    assert StatementLine.objects.get(pk=line.pk).note == ""


def test_a_draft_line_takes_a_note(november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = statement.lines.get(kind="agency_only", account_no="ACC-agency")
    statement_line_note(line=line, actor=finance_a, note="ask the collector for the receipt")
    assert StatementLine.objects.get(pk=line.pk).note == "ask the collector for the receipt"


def test_publishing_needs_approval_first_and_happens_once(november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    with pytest.raises(ValidationError, match="Approve the statement"):
        statement_publish(statement=statement, actor=finance_a)
    statement_approve(statement=statement, actor=finance_a)
    published = statement_publish(statement=statement, actor=finance_a)
    assert published.status == Statement.Status.PUBLISHED
    with pytest.raises(ValidationError, match="already published"):
        statement_publish(statement=statement, actor=finance_a)


def test_a_correction_is_a_new_version_naming_the_old(
    november, agreement_a, finance_a, collector_a
):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    statement_approve(statement=statement, actor=finance_a)
    # The agency-only payment turns out to have a bank repayment after all.
    repayment(
        november["file"],
        account_no="ACC-agency",
        amount="50.00",
        paid_on=nov(20),
        case=november["cases"]["agency"],
    )
    correction = statement_correct(statement=statement, actor=finance_a)
    assert (correction.version, correction.replaces_id, correction.status) == (
        2,
        statement.pk,
        "draft",
    )
    assert correction.lines.get(account_no="ACC-agency").kind == "matched"
    statement.refresh_from_db()
    assert statement.status == "approved" and statement.matched_count == 4
    with pytest.raises(ValidationError, match="correct that one"):
        statement_correct(statement=statement, actor=finance_a)


def test_other_roles_and_other_branches_cannot_approve(
    november, agreement_a, supervisor_a, finance_b
):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    with pytest.raises(PermissionDenied):
        statement_approve(statement=statement, actor=supervisor_a)
    with pytest.raises(Http404):
        statement_approve(statement=statement, actor=finance_b)
    statement.refresh_from_db()
    assert statement.is_draft


def test_a_payment_changed_since_the_draft_stops_the_approval(
    november, agreement_a, finance_a, supervisor_a
):
    from cases.services.payments import payment_reject

    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    payment_reject(payment=november["payments"]["same"], actor=supervisor_a, reason="bounced")
    with pytest.raises(ValidationError, match="prepare it again"):
        statement_approve(statement=statement, actor=finance_a)
    assert Payment.objects.get(pk=november["payments"]["near"].pk).status == "claimed"
    statement.refresh_from_db()
    assert statement.is_draft
