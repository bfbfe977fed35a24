"""GET /api/v1/statements/ and /{id}/: published statements of the key's own bank only,
paginated, as JSON and as a PDF whose Chinese text is embedded and extractable."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cases.services.statements import statement_approve, statement_prepare, statement_publish
from tests.cases.conftest import AgreementFactory

from .conftest import NOVEMBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    statement_approve(statement=statement, actor=finance_a)
    return statement_publish(statement=statement, actor=finance_a)


def test_the_bank_lists_its_published_statements(api_a, published):
    response = api_a.get("/api/v1/statements/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["month"], row["version"], row["status"]) == (
        published.pk,
        "2026-11",
        1,
        "published",
    )
    assert row["commission_total"] == "52.80"
    assert row["links"]["pdf"].endswith(f"/api/v1/statements/{published.pk}/?format=pdf")


def test_the_detail_has_every_line_explained(api_a, published):
    response = api_a.get(f"/api/v1/statements/{published.pk}/")
    assert response.status_code == 200
    lines = response.json()["lines"]
    assert len(lines) == 9
    unknown = next(line for line in lines if line["account_no"] == "NOT-OURS-1")
    assert unknown["kind"] == "bank_only"
    assert unknown["bank_amount"] == "40.00" and unknown["agency_amount"] is None
    assert "not a case placed" in unknown["explanation"]


def test_a_draft_or_an_unpublished_approved_statement_is_not_found(
    api_a, november, agreement_a, finance_a
):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    assert api_a.get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert api_a.get(f"/api/v1/statements/{statement.pk}/?format=pdf").status_code == 404
    statement_approve(statement=statement, actor=finance_a)
    assert api_a.get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert api_a.get("/api/v1/statements/").json()["count"] == 0


def test_another_banks_statement_is_not_found(api_b, published):
    response = api_b.get(f"/api/v1/statements/{published.pk}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert api_b.get("/api/v1/statements/").json()["count"] == 0


def test_the_list_is_paginated(api_a, published, bank_a, branch_a, finance_a):
    from cases.models import Statement

    other = AgreementFactory(bank=bank_a, branch=branch_a, number="A-002")
    for month in (dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
        statement = statement_prepare(agreement=other, month=month)
        statement_approve(statement=statement, actor=finance_a)
        statement_publish(statement=statement, actor=finance_a)
    first = api_a.get("/api/v1/statements/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = api_a.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert sorted(ids) == sorted(Statement.objects.values_list("pk", flat=True))
    assert [row["month"] for row in first["results"]] == ["2026-11", "2026-10"]
    assert api_a.get("/api/v1/statements/?page_size=0").status_code == 400


def test_the_pdf_carries_the_statement_in_chinese(api_a, published):
    response = api_a.get(f"/api/v1/statements/{published.pk}/?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "对账" in text  # the title, in Chinese
    assert "A-001" in text and "52.80" in text
    assert "NOT-OURS-1" in "".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYiMicroHei" in name for name in fonts), fonts  # embedded subset


def test_the_pdf_is_also_served_on_accept(api_a, published):
    response = api_a.get(f"/api/v1/statements/{published.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
