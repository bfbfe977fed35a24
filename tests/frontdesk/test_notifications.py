"""The notification centre (staff app): bell count, list, open marks read, others' are 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from staff.models import Notification
from staff.services import notification_send
from tests.landing import landing_html

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
    assert 'data-testid="unread-count">2<' in landing_html(client)
    client.post(reverse("staff:notifications_read_all"))
    assert 'data-testid="unread-count"' not in landing_html(client)
    assert client.get(reverse("staff:notifications_read_all")).status_code == 405


def test_the_email_carries_an_absolute_link_when_the_site_url_is_set(
    desk, host, settings, django_capture_on_commit_callbacks
):
    from frontdesk import services

    settings.SITE_URL = "https://collections.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_register(
            actor=desk, visitor_name="Li Lei", purpose="Audit", host=host
        )
    path = reverse("frontdesk:visit_detail", args=[visit.pk])
    assert Notification.objects.get(recipient=host).url == path  # the bell keeps the path
    assert mail.outbox[0].body.endswith(f"\n\nhttps://collections.example.com{path}")


def test_without_a_site_url_the_email_carries_the_path(
    host, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=host, title="Visitor", body="At the desk", url="/frontdesk/")
    assert mail.outbox[0].body == "At the desk\n\n/frontdesk/"


def test_site_url_is_read_from_the_environment_and_must_be_http():
    import os
    import subprocess
    import sys
    from pathlib import Path

    def site_url(value: str | None) -> subprocess.CompletedProcess:
        env = {key: val for key, val in os.environ.items() if key != "SITE_URL"}
        env.update(DJANGO_ENV="development", DJANGO_SETTINGS_MODULE="collections_office.settings")
        if value is not None:
            env["SITE_URL"] = value
        code = "from django.conf import settings; print(settings.SITE_URL)"
        return subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=False,
        )

    assert site_url("https://collections.example.com/").stdout.strip() == (
        "https://collections.example.com"
    )
    assert site_url(None).stdout.strip() == "http://127.0.0.1:8000"
    wrong = site_url("collections.example.com")
    assert wrong.returncode != 0
    assert "SITE_URL must start with http" in wrong.stderr
