"""The "in the building now" list refreshes itself: the fragment it polls for."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from frontdesk import services
from staff import roles
from tests.landing import landing_html

pytestmark = pytest.mark.django_db


def _register(desk, host, name):
    return services.visit_register(actor=desk, visitor_name=name, purpose="Meeting", host=host)


def test_the_page_polls_the_fragment_at_the_configured_interval(client, desk, settings):
    settings.FRONTDESK_IN_BUILDING_REFRESH_SECONDS = 7
    client.force_login(desk)
    page = client.get(reverse("frontdesk:in_building")).content.decode()
    live = reverse("frontdesk:in_building_live")
    assert f'hx-get="{live}"' in page
    assert 'hx-trigger="every 7s"' in page
    assert 'data-refresh-seconds="7"' in page
    assert "<script>" not in page  # CSP: no inline scripts, htmx attributes only


def test_the_fragment_lists_who_is_on_site_with_a_live_count(client, desk, host):
    _register(desk, host, "Li Lei")
    _register(desk, host, "Han Meimei")
    gone = _register(desk, host, "Already Gone")
    services.visit_check_out(visit=gone, actor=desk)
    void = _register(desk, host, "Typo Entry")
    services.visit_void(visit=void, actor=desk, reason="Duplicate")
    client.force_login(desk)

    response = client.get(reverse("frontdesk:in_building_live"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert [v.visitor_name for v in response.context["visits"]] == ["Li Lei", "Han Meimei"]
    assert "Li Lei" in html and "Han Meimei" in html
    assert "Already Gone" not in html and "Typo Entry" not in html
    # Only the list (it replaces itself and keeps polling), not a whole page ...
    assert "<html" not in html and 'id="desk-tabs"' not in html
    assert html.strip().startswith('<div id="in-building"')
    assert 'hx-trigger="every 30s"' in html
    # ... and the heading's count, swapped out of band.
    count = re.search(r'<span[^>]*id="in-building-count"[^>]*>(\d+)</span>', html)
    assert count is not None and count.group(1) == "2"
    assert 'hx-swap-oob="true"' in count.group(0)
    # The check-out buttons in it still work (a CSRF token in each form).
    assert html.count("csrfmiddlewaretoken") == 2


def test_the_fragment_shows_only_the_desks_own_branch(
    client, desk, host, desk_b, staff_user, branch_b
):
    _register(desk, host, "Visitor of A")
    host_b = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="host.b")
    _register(desk_b, host_b, "Visitor of B")

    client.force_login(desk_b)
    html = client.get(reverse("frontdesk:in_building_live")).content.decode()
    assert "Visitor of B" in html
    assert "Visitor of A" not in html
    assert re.search(r'id="in-building-count"[^>]*>1<', html)


def test_the_fragment_is_for_the_desk_only(client, host):
    url = reverse("frontdesk:in_building_live")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(host)
    assert client.get(url).status_code == 403


def test_the_fragment_costs_the_same_queries_for_two_or_twenty_visitors(client, desk, host):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(desk)
    url = reverse("frontdesk:in_building_live")
    client.get(url)  # warm the session and the role cache
    for index in range(2):
        _register(desk, host, f"Visitor {index}")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(2, 20):
        _register(desk, host, f"Visitor {index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["visits"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The roll-call is per building ----------------------------------------------------


@pytest.fixture
def hq_desk(staff_user, hq):
    return staff_user(roles.FRONT_DESK, branch=hq, username="desk.hq")


def test_hqs_roll_call_lists_only_the_visitors_in_hqs_building(
    client, hq_desk, hq, desk, host, staff_user
):
    hq_host = staff_user(roles.SUPERVISOR, branch=hq, username="host.hq")
    _register(hq_desk, hq_host, "Visitor at HQ")
    _register(desk, host, "Visitor in Branch A")
    client.force_login(hq_desk)

    page = client.get(reverse("frontdesk:in_building"))
    live = client.get(reverse("frontdesk:in_building_live"))

    for response in (page, live):
        html = response.content.decode()
        assert "Visitor at HQ" in html
        assert "Visitor in Branch A" not in html
        assert re.search(r'id="in-building-count"[^>]*>1<', html)
    assert page.context["building"] == hq


def test_hq_picks_another_building_and_the_live_list_keeps_it(
    client, hq_desk, hq, branch_a, desk, host
):
    _register(desk, host, "Visitor in Branch A")
    client.force_login(hq_desk)

    page = client.get(reverse("frontdesk:in_building"), {"branch": branch_a.pk})

    html = page.content.decode()
    assert "Visitor in Branch A" in html
    # The picker offers HQ's own building first, the one shown selected.
    options = re.findall(r'<option value="(\d+)"( selected)?>', html)
    assert options[0] == (str(hq.pk), "")
    assert (str(branch_a.pk), " selected") in options
    live_url = reverse("frontdesk:in_building_live") + f"?branch={branch_a.pk}"
    assert f'hx-get="{live_url}"' in html
    live = client.get(live_url).content.decode()
    assert "Visitor in Branch A" in live


def test_a_branch_desk_cannot_take_another_buildings_roll_call(
    client, desk, desk_b, branch_b, staff_user
):
    host_b = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="host.b")
    _register(desk_b, host_b, "Visitor of B")
    client.force_login(desk)

    for name in ("frontdesk:in_building", "frontdesk:in_building_live"):
        html = client.get(reverse(name), {"branch": branch_b.pk}).content.decode()
        assert "Visitor of B" not in html
        assert 'id="building-picker"' not in html


def test_hqs_host_pick_list_offers_its_own_building_first_grouped_by_branch(
    client, hq_desk, hq, branch_a, branch_b, host, staff_user
):
    staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="zz.b")
    staff_user(roles.SUPERVISOR, branch=hq, username="zz.hq")
    client.force_login(hq_desk)

    for name in ("frontdesk:visit_register", "frontdesk:visit_preregister"):
        form = client.get(reverse(name)).context["form"]
        groups = [label for label, _choices in form.fields["host"].choices if label]
        assert groups == [hq.name, branch_a.name, branch_b.name]
        html = str(form["host"])
        assert html.index(f'<optgroup label="{hq.name}">') < html.index(
            f'<optgroup label="{branch_a.name}">'
        )
        hq_group = dict(form.fields["host"].choices)[hq.name]
        hq_people = {hq_desk.pk, User.objects.get(username="zz.hq").pk}
        assert {choice[0].value for choice in hq_group} == hq_people


def test_a_branch_desks_host_pick_list_is_flat(client, desk, host):
    client.force_login(desk)
    form = client.get(reverse("frontdesk:visit_register")).context["form"]
    html = str(form["host"])
    assert "<optgroup" not in html
    assert host.get_full_name() in html


def test_hqs_dashboard_counts_the_visitors_in_its_own_building(
    client, hq_desk, hq, desk, host, staff_user
):
    hq_host = staff_user(roles.SUPERVISOR, branch=hq, username="host.hq")
    _register(hq_desk, hq_host, "Visitor at HQ")
    _register(desk, host, "Visitor in Branch A")
    client.force_login(hq_desk)
    html = landing_html(client)
    assert 'data-testid="in-building-count">1<' in html
    assert "Visitor in Branch A" not in html
