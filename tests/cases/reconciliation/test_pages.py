"""Finance's statement pages: the list (waiting first), a statement with its lines
filtered and sorted, CSV/XLSX downloads (formula-escaped), approve / publish / correct,
and the dashboard panel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Payment, Statement
from cases.services.statements import statement_approve, statement_prepare
from tests.landing import landing_html

from .conftest import NOVEMBER, nov, repayment

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(november, agreement_a):
    return statement_prepare(agreement=agreement_a, month=NOVEMBER)


@pytest.fixture
def finance_client(at_today, client, finance_a):  # signed in after the clock moved
    client.force_login(finance_a)
    return client


def test_the_list_shows_the_waiting_statements_first(
    finance_client, draft, agreement_a, finance_a, at_today
):
    from tests.cases.conftest import AgreementFactory

    other = AgreementFactory(bank=agreement_a.bank, branch=agreement_a.branch, number="A-OLD")
    older = statement_prepare(agreement=other, month=NOVEMBER.replace(month=10))
    statement_approve(statement=older, actor=finance_a)
    response = finance_client.get(reverse("cases:statements"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f'data-statement="{draft.pk}"') < body.index(f'data-statement="{older.pk}"')


def test_the_statement_page_filters_and_sorts_its_lines(finance_client, draft):
    url = reverse("cases:statement_detail", args=[draft.pk])
    body = finance_client.get(url + "?kind=bank_only&sort=-bank").content.decode()
    assert 'data-account="ACC-bank"' in body and 'data-account="NOT-OURS-1"' in body
    assert 'data-account="ACC-same"' not in body
    assert body.index('data-account="ACC-bank"') < body.index('data-account="NOT-OURS-1"')
    assert "not a case placed with the agency" in body


def test_downloads_escape_formula_looking_text(finance_client, november, agreement_a):
    repayment(
        november["file"],
        account_no="=HYPERLINK(1)",
        amount="5.00",
        paid_on=nov(9),
        reference="=cmd|'/c calc'!A1",
    )
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    url = reverse("cases:statement_download", args=[statement.pk, "csv"])
    text = b"".join(finance_client.get(url).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "'=cmd|" in text
    assert "\n=" not in text and ",=" not in text
    url = reverse("cases:statement_download", args=[statement.pk, "xlsx"])
    response = finance_client.get(url)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert (
        finance_client.get(
            reverse("cases:statement_download", args=[statement.pk, "pdf"])
        ).status_code
        == 404
    )


def test_finance_approves_publishes_and_approving_again_says_so(finance_client, draft, november):
    approve = reverse("cases:statement_approve", args=[draft.pk])
    response = finance_client.post(approve, follow=True)
    assert response.status_code == 200
    assert "Statement approved" in response.content.decode()
    assert Payment.objects.get(pk=november["payments"]["same"].pk).status == "confirmed"
    response = finance_client.post(approve, follow=True)
    assert "already approved" in response.content.decode()
    finance_client.post(reverse("cases:statement_publish", args=[draft.pk]))
    assert Statement.objects.get(pk=draft.pk).status == "published"
    response = finance_client.post(reverse("cases:statement_correct", args=[draft.pk]))
    correction = Statement.objects.get(replaces=draft)
    assert response["Location"] == reverse("cases:statement_detail", args=[correction.pk])


def test_other_roles_do_not_reach_the_pages(draft, client, supervisor_a):
    client.force_login(supervisor_a)
    assert client.get(reverse("cases:statements")).status_code == 403
    assert client.post(reverse("cases:statement_approve", args=[draft.pk])).status_code == 403
    assert Statement.objects.get(pk=draft.pk).is_draft


def test_the_dashboard_shows_finance_the_statements_waiting(finance_client, draft):
    body = landing_html(finance_client)
    assert 'id="panel-statements"' in body
    assert 'data-testid="statements-drafts">1<' in body
