"""Special procedures (requested → approved → started → closed; nothing starts
unapproved) and collection-period extensions (reason and next steps, approved; cases past
their period show on the dashboard until an extension is approved)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from cases.models import CollectionPeriodExtension, SpecialProcedure, SpecialProcedureDocument
from cases.selectors.procedures import cases_past_period
from cases.services import procedures as procedure_services

from .conftest import case_for, decide, shanghai
from .rows import PDF

pytestmark = pytest.mark.django_db


def request(case, actor, **fields):
    fields.setdefault("kind", SpecialProcedure.Kind.LEGAL_ACTION)
    fields.setdefault("reason", "Hides assets, refuses every contact")
    return procedure_services.procedure_request(case=case, actor=actor, **fields)


def test_a_procedure_runs_request_approval_start_close(case_a, phone_a, supervisor_a):
    procedure = request(case_a, phone_a, documents=[SimpleUploadedFile("proof.pdf", PDF)])
    assert procedure.status == SpecialProcedure.Status.REQUESTED
    assert SpecialProcedureDocument.objects.get().content_type == "application/pdf"
    with pytest.raises(ValidationError):
        procedure_services.procedure_start(procedure=procedure, actor=phone_a)
    decide(procedure, by=supervisor_a)
    procedure = procedure_services.procedure_start(procedure=procedure, actor=phone_a)
    assert procedure.status == SpecialProcedure.Status.STARTED
    with pytest.raises(ValidationError) as error:
        procedure_services.procedure_close(procedure=procedure, actor=phone_a, outcome=" ")
    assert "outcome" in error.value.message_dict
    procedure = procedure_services.procedure_close(
        procedure=procedure, actor=phone_a, outcome="Judgment obtained"
    )
    assert procedure.status == SpecialProcedure.Status.CLOSED
    assert [h.status for h in procedure.history.order_by("history_date")] == [
        "requested",
        "approved",
        "started",
        "closed",
    ]


def test_a_refused_procedure_never_starts(case_a, phone_a, supervisor_a):
    procedure = request(case_a, phone_a)
    decide(procedure, by=supervisor_a, approve=False, comment="Not enough evidence")
    procedure.refresh_from_db()
    assert procedure.status == SpecialProcedure.Status.REFUSED
    with pytest.raises(ValidationError):
        procedure_services.procedure_start(procedure=procedure, actor=phone_a)


def test_the_database_refuses_a_start_without_approval(case_a, phone_a):
    procedure = request(case_a, phone_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialProcedure.objects.filter(pk=procedure.pk).update(started_at=procedure.requested_at)


def test_the_procedure_state_machine():
    status = SpecialProcedure.Status
    allowed = SpecialProcedure.TRANSITIONS
    assert allowed[status.REQUESTED] == {status.APPROVED, status.REFUSED}
    assert allowed[status.APPROVED] == {status.STARTED}
    assert allowed[status.STARTED] == {status.CLOSED}
    assert allowed[status.REFUSED] == allowed[status.CLOSED] == set()


def test_a_document_that_is_not_pdf_or_image_is_refused_and_nothing_is_written(case_a, phone_a):
    with pytest.raises(ValidationError) as error:
        request(case_a, phone_a, documents=[SimpleUploadedFile("proof.pdf", b"MZ an exe")])
    assert "documents" in error.value.message_dict
    assert not SpecialProcedure.objects.exists()


def test_missing_kind_and_reason_are_named(case_a, phone_a):
    with pytest.raises(ValidationError) as error:
        request(case_a, phone_a, kind="magic", reason="")
    assert set(error.value.message_dict) == {"kind", "reason"}


def test_nobody_approves_their_own_procedure(case_a, supervisor_a):
    procedure = request(case_a, supervisor_a)
    with pytest.raises(ValidationError):
        decide(procedure, by=supervisor_a)


# --- Collection periods --------------------------------------------------------------


def test_a_case_past_its_period_shows_until_an_extension_is_approved(
    clock, agreement_a, phone_a, supervisor_a
):
    clock(shanghai(2026, 9, 1, 10, 0))
    case = case_for(agreement_a, phone_a)  # placed now: 30 days → ends 1 Oct
    assert procedure_services.period_end(case) == dt.date(2026, 10, 1)
    clock(shanghai(2026, 10, 1, 12, 0))
    assert case not in cases_past_period(user=supervisor_a)
    clock(shanghai(2026, 10, 2, 9, 0))
    assert case in cases_past_period(user=supervisor_a)
    with pytest.raises(ValidationError) as error:
        procedure_services.period_extension_request(
            case=case, actor=phone_a, new_ends_on=dt.date(2026, 11, 1), reason="", next_steps=""
        )
    assert set(error.value.message_dict) == {"reason", "next_steps"}
    extension = procedure_services.period_extension_request(
        case=case,
        actor=phone_a,
        new_ends_on=dt.date(2026, 11, 1),
        reason="Paying in instalments",
        next_steps="Weekly calls, a visit before the 20th",
    )
    assert case in cases_past_period(user=supervisor_a)  # pending is not approved
    decide(extension, by=supervisor_a)
    extension.refresh_from_db()
    assert extension.status == CollectionPeriodExtension.Status.APPROVED
    assert procedure_services.period_end(case) == dt.date(2026, 11, 1)
    assert case not in cases_past_period(user=supervisor_a)
    clock(shanghai(2026, 11, 2, 9, 0))
    assert case in cases_past_period(user=supervisor_a)


def test_an_extension_must_move_the_end_later(case_a, phone_a):
    with pytest.raises(ValidationError) as error:
        procedure_services.period_extension_request(
            case=case_a,
            actor=phone_a,
            new_ends_on=procedure_services.period_end(case_a),
            reason="r",
            next_steps="n",
        )
    assert "new_ends_on" in error.value.message_dict
    assert not CollectionPeriodExtension.objects.exists()
