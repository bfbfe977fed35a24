"""The shell around every page: error pages, security headers, the API docs, phone width."""

import pytest
from django.urls import reverse

from staff import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors_urlconf(settings):
    settings.ROOT_URLCONF = "tests.foundation.urls_for_tests"
    settings.DEBUG = False


@pytest.fixture
def supervisor(branch_a, staff_user):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.pages")


def assert_base_layout(html: str) -> None:
    assert '<nav class="navbar' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_404_page_uses_the_base_layout(client, supervisor, errors_urlconf):
    client.force_login(supervisor)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_base_layout(html)
    assert "Not found" in html
    assert 'id="nav-links"' in html  # the signed-in navigation


def test_403_page_uses_the_base_layout(client, supervisor, errors_urlconf):
    client.force_login(supervisor)
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_base_layout(html)
    assert "Your role does not give access to this page." in html


def test_500_page_uses_the_base_layout(client, supervisor, errors_urlconf):
    client.force_login(supervisor)
    client.raise_request_exception = False
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_base_layout(html)
    assert "Something went wrong" in html
    assert "a bug, on purpose" not in html


def test_error_pages_are_translated(client, supervisor, errors_urlconf):
    client.force_login(supervisor)
    profile = supervisor.staff_profile
    profile.language = "zh-hans"
    profile.save()
    response = client.get("/no-such-page/")
    assert "未找到" in response.content.decode()


def test_pages_carry_the_security_headers(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_docs_render_under_the_csp_with_vendored_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    # The one inline <style> carries the nonce the header allows; the script is a URL.
    nonce = csp.split("style-src 'self' 'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">' in html
    assert "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/schema/").status_code == 200


def test_every_page_is_usable_at_phone_width_markup(client, supervisor):
    """The navigation collapses behind a toggler below the lg breakpoint."""
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'class="navbar navbar-expand-lg' in html
    assert 'class="navbar-toggler"' in html
    assert 'class="collapse navbar-collapse" id="main-nav"' in html


def test_the_navigation_shows_each_role_only_what_it_may_open(client, branch_a, staff_user):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="nav.sup")
    collector = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="nav.col")

    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert 'href="/staff/"' in html
    assert 'href="/admin/"' not in html

    client.force_login(collector)
    html = client.get("/").content.decode()
    assert 'href="/staff/"' not in html
    assert "Phone collector" in html  # the role is shown in the user menu
    assert client.get("/staff/").status_code == 403


def test_the_dashboard_shows_the_team_panel_with_real_counts(client, branch_a, staff_user):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="dash.sup")
    for n in range(3):
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username=f"dash.col{n}")
    staff_user(roles.PHONE_COLLECTOR, username="dash.elsewhere")  # another branch

    client.force_login(supervisor)
    assert 'id="slot-team"' in client.get("/").content.decode()  # the page asks for it
    response = client.get(reverse("dashboard_panel", args=["team"]), headers={"HX-Request": "1"})
    assert response.status_code == 200
    assert response.context["panel"]["total"] == 4  # the supervisor and three collectors of A
    assert 'data-testid="team-total">4<' in response.content.decode()


def test_flash_messages_show_once_on_the_next_page(client, supervisor, errors_urlconf):
    client.force_login(supervisor)
    html = client.get("/test-errors/flash/", follow=True).content.decode()
    assert 'class="alert alert-success alert-dismissible' in html
    assert 'class="alert alert-danger alert-dismissible' in html  # "error" is Bootstrap's danger
    assert "Saved, on purpose." in html
    assert "Saved, on purpose." not in client.get("/").content.decode()


def test_long_lists_are_paginated_with_the_shared_partial(client, supervisor, branch_a, staff_user):
    for n in range(55):
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username=f"page.col{n:02d}")
    client.force_login(supervisor)

    first = client.get("/staff/", {"sort": "number"}).content.decode()
    assert "1–50 of 56" in first
    assert "page=2" in first and "sort=number" in first

    second = client.get("/staff/", {"sort": "number", "page": 2})
    assert len(second.context["page"].object_list) == 6
    assert "51–56 of 56" in second.content.decode()
