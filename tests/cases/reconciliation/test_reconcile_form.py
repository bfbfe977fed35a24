"""Finance's "reconcile a month" form (the schedule's run, queued by hand) and the notes on
a statement's lines (drafts only, each note kept)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Statement, StatementLine, StatementLineNote
from cases.services.statements import statement_approve, statement_prepare
from reporting import services
from reporting.models import ReportRun

from .conftest import NOVEMBER, nov

pytestmark = pytest.mark.django_db

URL = "cases:statement_reconcile"


@pytest.fixture
def finance_client(at_today, client, finance_a):  # signed in after the clock moved
    client.force_login(finance_a)
    return client


def _post(client, **data):
    return client.post(reverse(URL), data)


def _field_errors(response, field: str) -> list[str]:
    body = response.content.decode()
    marker = f'data-field="{field}">'
    return [part.split("</div>")[0] for part in body.split(marker)[1:]]


def test_the_statements_page_links_to_the_form_which_offers_only_the_branchs_agreements(
    finance_client, agreement_a, agreement_b
):
    assert reverse(URL) in finance_client.get(reverse("cases:statements")).content.decode()
    body = finance_client.get(reverse(URL)).content.decode()
    assert f'value="{agreement_a.pk}"' in body
    assert f'value="{agreement_b.pk}"' not in body


def test_reconciling_a_month_queues_the_schedules_run_which_prepares_the_draft(
    finance_client, november, agreement_a, finance_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(finance_client, agreement=agreement_a.pk, month="2026-11")
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task is queued after the commit, not run in the request
    run = ReportRun.objects.get()
    assert (run.kind, run.scope, run.scope_id) == ("reconciliation", "agreement", agreement_a.pk)
    assert (run.period_start, run.period_end, run.trigger) == (NOVEMBER, nov(30), "manual")
    assert run.requested_by == finance_a
    assert not Statement.objects.exists()
    assert services.run_execute(run.pk) == "succeeded"
    statement = Statement.objects.get(agreement=agreement_a, month=NOVEMBER)
    assert statement.is_draft and statement.prepared_by == finance_a
    assert statement.matched_count == 4
    body = finance_client.get(reverse(URL)).content.decode()
    assert f'data-run="{run.pk}" data-status="succeeded"' in body


def test_re_reconciling_replaces_the_draft_and_keeps_its_notes(
    finance_client, november, agreement_a, finance_a, django_capture_on_commit_callbacks
):
    draft = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = draft.lines.get(kind="agency_only", account_no="ACC-agency")
    finance_client.post(
        reverse("cases:statement_line_note", args=[line.pk]), {"note": "receipt asked for"}
    )
    with django_capture_on_commit_callbacks(execute=False):
        _post(finance_client, agreement=agreement_a.pk, month="2026-11")
    services.run_execute(ReportRun.objects.get().pk)
    assert list(Statement.objects.values_list("pk", "status")) == [(draft.pk, "draft")]
    again = StatementLine.objects.get(statement=draft, account_no="ACC-agency")
    assert again.pk != line.pk  # the lines were written afresh
    assert again.note == "receipt asked for"


def test_an_approved_month_is_refused_on_the_month_field(
    finance_client, november, agreement_a, finance_a
):
    statement_approve(
        statement=statement_prepare(agreement=agreement_a, month=NOVEMBER), actor=finance_a
    )
    response = _post(finance_client, agreement=agreement_a.pk, month="2026-11")
    assert response.status_code == 400
    assert "already approved" in _field_errors(response, "month")[0]
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    ("month", "says"),
    [
        ("2026-12", "has not ended yet"),  # today is 7 December 2026
        ("2027-03", "has not ended yet"),
        ("December", "e.g. 2026-10"),
        ("", "Choose the month"),
        ("2026-13", "e.g. 2026-10"),
    ],
)
def test_a_month_not_ended_or_unreadable_is_an_error_naming_the_field(
    finance_client, agreement_a, month, says
):
    response = _post(finance_client, agreement=agreement_a.pk, month=month)
    assert response.status_code == 400
    assert says in _field_errors(response, "month")[0]
    assert not ReportRun.objects.exists()


def test_no_agreement_is_an_error_naming_the_field(finance_client):
    response = _post(finance_client, agreement="", month="2026-11")
    assert response.status_code == 400
    assert "Choose the agreement" in _field_errors(response, "agreement")[0]


def test_another_branchs_agreement_is_a_404(finance_client, agreement_b):
    response = _post(finance_client, agreement=agreement_b.pk, month="2026-11")
    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_someone_not_in_finance_is_refused(at_today, client, supervisor_a, agreement_a):
    client.force_login(supervisor_a)
    assert _post(client, agreement=agreement_a.pk, month="2026-11").status_code == 403
    assert not ReportRun.objects.exists()


def test_a_line_keeps_every_note_written_on_it(finance_client, november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = statement.lines.get(kind="amount_difference")
    url = reverse("cases:statement_line_note", args=[line.pk])
    assert finance_client.post(url, {"note": "bank fee of 10.00?"}).status_code == 302
    assert finance_client.post(url, {"note": "confirmed: bank fee"}).status_code == 302
    line.refresh_from_db()
    assert line.note == "confirmed: bank fee"
    assert list(StatementLineNote.objects.values_list("text", "written_by")) == [
        ("bank fee of 10.00?", finance_a.pk),
        ("confirmed: bank fee", finance_a.pk),
    ]
    body = finance_client.get(url).content.decode().split('id="line-note-history"')[1]
    assert body.index("bank fee of 10.00?") < body.index("confirmed: bank fee")
    detail = finance_client.get(reverse("cases:statement_detail", args=[statement.pk]))
    assert "confirmed: bank fee" in detail.content.decode()


def test_a_note_on_an_approved_statement_is_refused_and_changes_nothing(
    finance_client, november, agreement_a, finance_a
):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = statement.lines.get(kind="agency_only", account_no="ACC-agency")
    statement_approve(statement=statement, actor=finance_a)
    response = finance_client.post(
        reverse("cases:statement_line_note", args=[line.pk]), {"note": "too late"}
    )
    assert response.status_code == 400
    assert "approved" in _field_errors(response, "note")[0]
    line.refresh_from_db()
    assert line.note == ""
    assert not StatementLineNote.objects.exists()


def test_a_note_too_long_is_an_error_naming_the_field(finance_client, november, agreement_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    line = statement.lines.first()
    response = finance_client.post(
        reverse("cases:statement_line_note", args=[line.pk]), {"note": "x" * 501}
    )
    assert response.status_code == 400
    assert "500" in _field_errors(response, "note")[0]


def test_another_branchs_line_is_a_404(at_today, client, finance_b, november, agreement_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    client.force_login(finance_b)
    url = reverse("cases:statement_line_note", args=[statement.lines.first().pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "not mine"}).status_code == 404
