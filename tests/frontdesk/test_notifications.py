"""The notification centre (staff app): bell count, list, open marks read, others' are 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from staff.models import Notification
from staff.services import notification_send

pytestmark = pytest.mark.django_db


def test_notification_email_goes_out_only_after_commit(host, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(recipient=host, title="Hello", body="World", url="/frontdesk/")
    assert len(callbacks) == 1
    assert mail.outbox[0].subject == "Hello"
    assert "/frontdesk/" in mail.outbox[0].body


def test_a_rolled_back_transaction_sends_no_notification(host, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notification_send(recipient=host, title="Never")
                raise RuntimeError("registration failed")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_no_email_when_asked_not_to_or_when_there_is_no_address(
    host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=host, title="Quiet", email=False)
        host.email = ""
        host.save()
        notification_send(recipient=host, title="No address")
    assert Notification.objects.count() == 2
    assert mail.outbox == []


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, host):
    notification = notification_send(recipient=host, title="Visitor", url="/frontdesk/mine/")
    client.force_login(host)
    page = client.get(reverse("staff:notifications")).content.decode()
    assert "Visitor" in page
    response = client.post(reverse("staff:notification_open", args=[notification.pk]))
    assert response["Location"] == "/frontdesk/mine/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_external_link_is_never_followed(client, host):
    notification = notification_send(recipient=host, title="x", url="https://evil.example/")
    client.force_login(host)
    response = client.post(reverse("staff:notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("staff:notifications")


def test_someone_elses_notification_is_404(client, host, desk):
    notification = notification_send(recipient=host, title="Private")
    client.force_login(desk)
    response = client.post(reverse("staff:notification_open", args=[notification.pk]))
    assert response.status_code == 404
    assert "Private" not in client.get(reverse("staff:notifications")).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_bell(client, host):
    for title in ("a", "b"):
        notification_send(recipient=host, title=title)
    client.force_login(host)
    assert 'data-testid="unread-count">2<' in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("staff:notifications_read_all"))
    assert 'data-testid="unread-count"' not in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("staff:notifications_read_all")).status_code == 405
