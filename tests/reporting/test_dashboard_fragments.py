"""The landing page in fragments (issue 13): the page draws a placeholder per panel the
user's roles can have, and each panel answers at its own URL, scoped like the panel."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

import reporting.dashboard
from collections_office.workdays import company_today
from reporting.models import DailyCollectorFigures
from reporting.views import LANDING
from staff import roles
from tests.landing import landing_html, panel_html

from .test_dashboards import two_teams, wednesday  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def panel_url(key: str) -> str:
    return reverse("dashboard_panel", kwargs={"key": key})


def slots(page: str) -> list[str]:
    return re.findall(r'id="slot-([\w-]+)"', page)


def test_the_page_draws_a_placeholder_per_panel_of_the_role_and_runs_none(
    client, staff_user, branch_a, django_assert_max_num_queries, monkeypatch
):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a)
    # The page runs no panel function: one that fails does not stop it.
    registry = reporting.dashboard.panels

    def broken(user):
        raise AssertionError("the page ran a panel")

    monkeypatch.setitem(
        registry._panels, "team-week", replace(registry._panels["team-week"], function=broken)
    )
    client.force_login(supervisor)
    # Session, user, roles, menus and notifications (10 today): no panel's queries.
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    keys = slots(page)
    assert {"team-week", "service-levels", "case-status", "talent"} <= set(keys)
    assert "my-week" not in keys and "placements" not in keys  # not a supervisor's
    assert 'id="panel-team-week"' not in page  # a placeholder, not the panel
    assert f'hx-get="{panel_url("team-week")}"' in page
    assert "Loading My team today and this week" in page
    assert 'data-panel-error="My team today and this week could not be loaded."' in page
    assert f'<noscript><a href="{panel_url("team-week")}">' in page


def test_each_role_has_a_placeholder_for_every_panel_it_is_shown(
    client, staff_user, branch_a, hq, django_user_model
):
    """A panel's registered roles (and finer rule) decide the placeholders: someone its
    function shows the panel to but the registration left out would never see it. Every
    role in a branch and at headquarters, and a superuser."""
    people = [
        staff_user(role, branch=branch) for role in roles.ALL_ROLES for branch in (branch_a, hq)
    ]
    people.append(django_user_model.objects.create_superuser("root.panels", password="x"))
    for user in people:
        placeholders = {entry.key for entry in LANDING.placeholders(user)}
        for entry in LANDING.entries():
            if entry.function(user):
                assert entry.key in placeholders, (user.username, entry.key)
    supervisor_a = people[2 * roles.ALL_ROLES.index(roles.SUPERVISOR)]
    hq_supervisor = people[2 * roles.ALL_ROLES.index(roles.SUPERVISOR) + 1]
    assert "branches-side-by-side" not in {e.key for e in LANDING.placeholders(supervisor_a)}
    assert "branches-side-by-side" in {e.key for e in LANDING.placeholders(hq_supervisor)}


def test_every_panel_has_a_title_and_one_key(client):
    entries = LANDING.entries()  # asserts the keys are unique across the apps
    assert all(str(entry.title) for entry in entries), [e.key for e in entries if not e.title]


def test_an_unknown_panel_or_one_the_role_cannot_have_is_a_404(client, staff_user, branch_a):
    client.force_login(staff_user(roles.PHONE_COLLECTOR, branch=branch_a))
    assert client.get(panel_url("no-such-panel"), headers=HX).status_code == 404
    assert client.get(panel_url("team-week"), headers=HX).status_code == 404  # supervisors'
    assert client.get(panel_url("placements")).status_code == 404  # admin staff's
    assert client.get(panel_url("my-week"), headers=HX).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(panel_url("my-week"), headers=HX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_panel_with_nothing_for_the_user_answers_empty_and_the_page_drops_it(
    client, staff_user, branch_a
):
    admin = staff_user(roles.ADMIN_STAFF, branch=branch_a)
    client.force_login(admin)
    assert "report-runs-failed" in slots(client.get("/").content.decode())
    response = client.get(panel_url("report-runs-failed"), headers=HX)
    assert response.status_code == 200 and response.content == b""  # htmx removes the slot
    assert "private" in response["Cache-Control"] and "HX-Request" in response["Vary"]
    page = landing_html(client)
    assert 'id="slot-' not in page and 'id="panel-failed-reports"' not in page
    assert 'id="panel-placements"' in page


def test_a_supervisors_fragments_never_show_another_branchs_collectors(
    wednesday,  # noqa: F811
    client,
    two_teams,  # noqa: F811
):
    client.force_login(two_teams["supervisor"])
    for key in ("team-week", "calls-today"):
        html = panel_html(client, key)
        assert f'data-collector="{two_teams["a1"].pk}"' in html, key
        assert f'data-collector="{two_teams["b1"].pk}"' not in html, key
    team = panel_html(client, "team-week")
    # The rows built in Python carry the figures as the template did (a1: 3 + 5 calls).
    a1_row = re.search(rf'<tr data-collector="{two_teams["a1"].pk}">.*?</tr>', team).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", a1_row)
    assert cells[1:] == ["5", "2", "40.00", "2", "8", "3", "0", "0", "40.00", "3"], cells
    assert 'class="text-end text-danger fw-semibold">2<' in a1_row  # today's breaches


def test_opened_directly_a_panel_shows_on_a_page_of_its_own(client, staff_user, branch_a):
    me = staff_user(roles.PHONE_COLLECTOR, branch=branch_a)
    DailyCollectorFigures.objects.create(
        collector=me, branch=branch_a, day=company_today(), computed_at=timezone.now()
    )
    client.force_login(me)
    response = client.get(panel_url("my-week"))  # the <noscript> link: no htmx header
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="panel-my-week"' in html
    assert html.count('id="panel-my-week"') == 1


def test_the_panel_urls_answer_get_only(client, staff_user, branch_a):
    client.force_login(staff_user(roles.PHONE_COLLECTOR, branch=branch_a))
    assert client.post(panel_url("my-week")).status_code == 405
    assert client.post("/").status_code == 405


def test_when_every_panel_answers_empty_the_welcome_shows(client, django_user_model):
    """The frame carries the welcome card hidden; app.js shows it once every placeholder
    is gone (tests/reporting/test_browser_landing.py). A signed-in account without a staff
    profile or a role has only panels that answer empty."""
    client.force_login(django_user_model.objects.create_user("bare.account"))
    page = client.get("/").content.decode()
    assert slots(page)  # placeholders for anyone signed in …
    assert '<div class="col-12 d-none" id="dashboard-empty">' in page
    landed = landing_html(client)
    assert 'id="panel-' not in landed  # … all empty
