"""A badge handed out twice: the desk is warned, names the holder, and may confirm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from frontdesk import services
from frontdesk.models import Visit
from staff import roles

pytestmark = pytest.mark.django_db

ARRIVED = dt.datetime(2026, 11, 23, 1, 5, tzinfo=dt.UTC)  # 09:05 in Shanghai


def _on_site(desk, host, name, badge, **fields):
    return services.visit_register(
        actor=desk,
        visitor_name=name,
        purpose="Meeting",
        host=host,
        badge_number=badge,
        arrived_at=ARRIVED,
        **fields,
    )


def _register_form(host, **overrides):
    return {
        "visitor_name": "Han Meimei",
        "phone": "",
        "organisation": "",
        "host": host.pk,
        "purpose": "Meeting",
        "arrived_at": "2026-11-23T10:30",
        "id_document_type": "",
        "id_number": "",
        "badge_number": "v-07",
        "notes": "",
        **overrides,
    }


def test_a_badge_held_by_a_visitor_on_site_is_not_handed_out_without_confirmation(desk, host):
    _on_site(desk, host, "Li Lei", "V-07")

    with pytest.raises(ValidationError) as refused:
        _on_site(desk, host, "Han Meimei", "v-07 ")

    error = refused.value.error_dict["badge_number"][0]
    assert error.code == "badge_in_use"
    message = refused.value.message_dict["badge_number"][0]
    assert "Li Lei" in message and "2026-11-23 09:05" in message
    assert Visit.objects.filter(visitor_name="Han Meimei").count() == 0


def test_the_desk_may_confirm_and_the_history_says_so(desk, host):
    first = _on_site(desk, host, "Li Lei", "V-07")
    second = _on_site(desk, host, "Han Meimei", "V-07", badge_confirmed=True)
    assert second.status == Visit.Status.ON_SITE
    assert second.history.get().history_change_reason == (
        f"Badge V-07 also held by visit #{first.pk}"
    )


def test_a_badge_is_free_again_once_its_holder_left_and_in_another_building(
    desk, host, desk_b, staff_user, branch_b
):
    first = _on_site(desk, host, "Li Lei", "V-07")
    host_b = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="host.b")
    _on_site(desk_b, host_b, "Visitor of B", "V-07")  # another building, its own badges
    services.visit_check_out(visit=first, actor=desk)
    _on_site(desk, host, "Han Meimei", "V-07")
    assert Visit.objects.filter(badge_number="V-07", status=Visit.Status.ON_SITE).count() == 2


def test_the_register_form_names_the_holder_and_offers_to_confirm(client, desk, host):
    _on_site(desk, host, "Li Lei", "V-07")
    client.force_login(desk)
    url = reverse("frontdesk:visit_register")

    warned = client.post(url, _register_form(host))

    assert warned.status_code == 200
    html = warned.content.decode()
    assert 'data-field="badge_number"' in html
    assert "Li Lei" in html and "2026-11-23 09:05" in html
    assert 'type="checkbox" name="badge_confirmed"' in html
    assert Visit.objects.count() == 1

    confirmed = client.post(url, _register_form(host, badge_confirmed="on"))

    assert confirmed.status_code == 302
    assert Visit.objects.filter(status=Visit.Status.ON_SITE).count() == 2


def test_the_checkbox_is_hidden_until_there_is_something_to_confirm(client, desk, host):
    client.force_login(desk)
    html = client.get(reverse("frontdesk:visit_register")).content.decode()
    assert 'type="hidden" name="badge_confirmed"' in html
    assert 'type="checkbox" name="badge_confirmed"' not in html


def test_an_expected_visitor_arriving_with_a_held_badge_is_warned_on_the_detail_page(
    client, desk, host
):
    _on_site(desk, host, "Li Lei", "V-07")
    expected = services.visit_preregister(
        actor=host,
        visitor_name="Han Meimei",
        purpose="Meeting",
        host=host,
        expected_at=ARRIVED + dt.timedelta(hours=2),
    )
    client.force_login(desk)
    url = reverse("frontdesk:visit_arrive", args=[expected.pk])

    warned = client.post(url, {"badge_number": "V-07"})

    assert warned.status_code == 200
    html = warned.content.decode()
    assert "Li Lei" in html and 'type="checkbox" name="badge_confirmed"' in html
    expected.refresh_from_db()
    assert expected.status == Visit.Status.EXPECTED

    assert client.post(url, {"badge_number": "V-07", "badge_confirmed": "on"}).status_code == 302
    expected.refresh_from_db()
    assert expected.status == Visit.Status.ON_SITE and expected.badge_number == "V-07"


def test_a_correction_giving_a_held_badge_is_warned_too(desk, host):
    _on_site(desk, host, "Li Lei", "V-07")
    second = _on_site(desk, host, "Han Meimei", "V-08")
    with pytest.raises(ValidationError):
        services.visit_correct(visit=second, actor=desk, reason="Wrong badge", badge_number="V-07")
    services.visit_correct(
        visit=second, actor=desk, reason="Wrong badge", badge_number="V-07", badge_confirmed=True
    )
    second.refresh_from_db()
    assert second.badge_number == "V-07"
