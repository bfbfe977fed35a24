"""Inputs that used to give a 500: each is a 400 (or 404) naming what is wrong."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from staff import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client, staff_user, branch_a):
    client.force_login(staff_user(roles.FRONT_DESK, branch=branch_a, username="desk.nul"))
    return client


@pytest.mark.parametrize(
    "url", ["/frontdesk/visitors/", "/frontdesk/messages/", "/frontdesk/documents/", "/staff/"]
)
def test_a_nul_character_in_a_list_search_is_a_400_naming_the_parameter(desk_client, url):
    response = desk_client.get(url, {"q": "zhang\x00"})

    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_a_nul_character_in_a_posted_form_field_is_a_400(desk_client):
    # Browsers post forms without files URL-encoded.
    response = desk_client.post(
        "/i18n/language/",
        urlencode({"language": "en", "next": "/\x00"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "“next”" in response.content.decode()


def test_the_500_page_under_the_api_is_json(rf):
    from collections_office.views import error_500

    response = error_500(rf.get("/api/v1/cases/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert set(__import__("json").loads(response.content)) == {"detail", "errors"}


def test_the_500_page_outside_the_api_stays_html(rf):
    from collections_office.views import error_500

    response = error_500(rf.get("/frontdesk/"))

    assert response["Content-Type"].startswith("text/html")
