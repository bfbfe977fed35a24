"""Phone message log: recipient notified, marks handled, unhandled ones flagged for the desk."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from frontdesk import services
from frontdesk.dashboard import dashboard_panels
from frontdesk.models import PhoneMessage
from staff.models import Notification
from tests.landing import landing_html

pytestmark = pytest.mark.django_db


def _message_form(**overrides):
    data = {
        "caller_name": "Mr Chen",
        "caller_phone": "021 5888 1234",
        "caller_organisation": "Bank of Communications",
        "recipient": "",
        "recipient_department": "",
        "message": "Please call back about the March placement.",
        "urgency": "urgent",
        "outcome": "not_reachable",
        "taken_at": "2026-11-23T09:30",
    }
    data.update(overrides)
    return data


def test_a_message_for_a_person_notifies_them(
    client, desk, host, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontdesk:message_take"), _message_form(recipient=host.pk))
    assert response.status_code == 302
    message = PhoneMessage.objects.get()
    assert message.caller_phone == "+862158881234"
    assert message.taken_by == desk
    assert message.relayed_at is not None
    notification = Notification.objects.get(recipient=host)
    assert notification.title.startswith("URGENT")
    assert "021 5888 1234" in notification.body
    assert mail.outbox[0].to == [host.email]


def test_a_message_for_a_department_goes_to_its_head(client, desk, department_head, collections_a):
    client.force_login(desk)
    client.post(
        reverse("frontdesk:message_take"), _message_form(recipient_department=collections_a.pk)
    )
    message = PhoneMessage.objects.get()
    assert message.recipient is None
    assert Notification.objects.filter(recipient=department_head).count() == 1


def test_a_department_without_a_head_is_a_form_error(client, desk, collections_a):
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:message_take"), _message_form(recipient_department=collections_a.pk)
    )
    assert response.status_code == 200
    assert "no head" in " ".join(response.context["form"].errors["recipient_department"])
    assert PhoneMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"caller_name": ""}, "caller_name", "required"),
        ({"message": ""}, "message", "required"),
        ({"caller_phone": "0000"}, "caller_phone", "valid phone number"),
        ({}, "recipient", "person or the department"),
    ],
)
def test_bad_message_input_names_the_field_and_saves_nothing(
    client, desk, host, overrides, field, message
):
    client.force_login(desk)
    data = _message_form(**overrides)
    if field != "recipient":
        data["recipient"] = host.pk
    response = client.post(reverse("frontdesk:message_take"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert PhoneMessage.objects.count() == 0


def test_only_the_recipient_marks_a_message_handled(client, desk, host, department_head):
    message = services.message_take(
        actor=desk, caller_name="Chen", message="Call back", recipient=host
    )
    client.force_login(department_head)  # not theirs: not even visible
    url = reverse("frontdesk:message_handle", args=[message.pk])
    assert client.post(url).status_code == 404
    client.force_login(desk)  # sees it, but it is not theirs to handle
    assert client.post(url).status_code == 403
    message.refresh_from_db()
    assert message.status == PhoneMessage.Status.OPEN

    client.force_login(host)
    client.post(url, {"note": "Called back, sorted"})
    message.refresh_from_db()
    assert message.status == PhoneMessage.Status.HANDLED
    assert message.handled_by == host
    assert message.handled_note == "Called back, sorted"
    assert message.history.latest().history_user == host


def test_unhandled_messages_older_than_the_threshold_are_flagged_on_the_desk_dashboard(
    client, desk, host, settings
):
    settings.FRONTDESK_UNHANDLED_MESSAGE_MINUTES = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = services.message_take(actor=desk, caller_name="Old", message="x", recipient=host)
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        services.message_take(actor=desk, caller_name="Fresh", message="y", recipient=host)
        panel = dashboard_panels(desk)[0]
        assert panel["late_message_count"] == 0
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        panel = dashboard_panels(desk)[0]
        assert panel["late_message_count"] == 1
        assert list(panel["late_messages"]) == [old]
        client.force_login(desk)
        page = landing_html(client)
        assert 'data-testid="late-message-count">1<' in page
        services.message_mark_handled(message=old, actor=host)
        assert dashboard_panels(desk)[0]["late_message_count"] == 0


def test_the_recipient_sees_their_messages_on_their_dashboard(client, desk, host):
    services.message_take(actor=desk, caller_name="Chen", message="Call", recipient=host)
    client.force_login(host)
    page = landing_html(client)
    assert "panel-reception" in page
    mine = client.get(reverse("frontdesk:my_items"))
    assert [m.caller_name for m in mine.context["phone_messages"]] == ["Chen"]


def test_messages_of_another_branch_are_404(client, desk, host, desk_b):
    message = services.message_take(actor=desk, caller_name="C", message="x", recipient=host)
    client.force_login(desk_b)
    url = reverse("frontdesk:message_detail", args=[message.pk])
    assert client.get(url).status_code == 404
