"""Bank API parameters that used to give a 500 or be ignored: a JSON 400 naming them."""

from __future__ import annotations

import pytest

from .builders import bearer, issue_key

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_bank_api_filter_is_a_json_400(client, agreement_a):
    _key, secret = issue_key(agreement_a.bank)

    response = client.get("/api/v1/cases/", {"account_no": "\x00"}, **bearer(secret))

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "account_no"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("updated_since=2026-11-01T00:00:00-20:25", "updated_since"),
        ("updated_since=2026-11-01T00:00:00%2B14:30", "updated_since"),
        ("updated_since=0001-01-01T00:00:00%2B05:00", "updated_since"),
        ("updated_since=2026-11-31", "updated_since"),
        ("updated_since=", "updated_since"),
        ("account_no=", "account_no"),
        ("status=", "status"),
        ("page_size=null", "page_size"),
        ("page_size=", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
    ],
)
def test_an_empty_or_invalid_bank_api_parameter_is_a_400_naming_it(
    client, agreement_a, query, field
):
    _key, secret = issue_key(agreement_a.bank)

    response = client.get(f"/api/v1/cases/?{query}", **bearer(secret))

    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]


def test_a_valid_offset_in_updated_since_still_filters(client, agreement_a):
    _key, secret = issue_key(agreement_a.bank)

    response = client.get(
        "/api/v1/cases/?updated_since=2026-11-01T00:00:00%2B08:00&page_size=10", **bearer(secret)
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/abc/", "/api/v1/placements/1x/", "/api/v1/nothing-here/"]
)
def test_a_malformed_id_or_unknown_path_under_the_api_is_a_json_404(client, agreement_a, url):
    _key, secret = issue_key(agreement_a.bank)

    response = client.get(url, **bearer(secret))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "errors"}


def test_an_unexpected_error_in_a_bank_api_view_is_a_json_500(client, agreement_a, monkeypatch):
    from cases import selectors

    def broken(**_kwargs):
        raise RuntimeError("the selector broke")

    monkeypatch.setattr(selectors, "case_list_for_bank", broken)
    _key, secret = issue_key(agreement_a.bank)
    client.raise_request_exception = False

    response = client.get("/api/v1/cases/", **bearer(secret))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "errors"}


def test_a_nul_character_in_a_json_body_field_is_a_400_naming_it(client, agreement_a):
    from .builders import make_case

    case = make_case(agreement_a)
    _key, secret = issue_key(agreement_a.bank)

    response = client.post(
        f"/api/v1/cases/{case.pk}/recall/",
        {"reason": "paid\x00"},
        content_type="application/json",
        **bearer(secret),
    )

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["reason"]
    case.refresh_from_db()
    assert case.status != "recalled"
