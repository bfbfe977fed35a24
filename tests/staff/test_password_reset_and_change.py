"""Password reset by e-mail (rate-limited, no user enumeration) and password change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collections_office.celery import app
from staff.accounts import _rate_key
from staff.models import Notification
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-2026"
RESET_URL = "/accounts/password/reset/"
ADDRESSES = ["known@example.com", "nobody@example.com", "other@example.com"]


@pytest.fixture(autouse=True)
def eager_celery():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    def clear():
        for address in ADDRESSES:
            cache.delete(_rate_key("password-reset-address", address))
        cache.delete(_rate_key("password-reset-ip", "127.0.0.1"))

    clear()
    yield
    clear()


@pytest.fixture
def known(db):
    user = UserFactory(username="known.person")
    user.email = "known@example.com"
    user.save()
    return user


def ask_reset(client, email, capture):
    """Asks for a reset and runs what the page queued (the worker's part)."""
    with capture(execute=True):
        return client.post(RESET_URL, {"email": email})


def test_login_page_links_to_the_reset_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in html
    assert client.get(RESET_URL).status_code == 200


def test_reset_end_to_end_through_the_mail(client, known, django_capture_on_commit_callbacks):
    response = ask_reset(client, "Known@Example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["known@example.com"]
    link = re.search(r"https?://[^\s]+/accounts/password/reset/[^\s]+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    # Django swaps the token into the session and redirects to the form.
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    known.refresh_from_db()
    assert known.check_password(NEW_PASSWORD)
    # The person is told (bell and mail), and the link does not work twice.
    assert Notification.objects.filter(recipient=known, title="Your password was changed")
    again = client.get("/" + path, follow=True)
    assert not again.context["validlink"]


def test_unknown_and_known_addresses_get_the_same_answer_with_the_same_work(
    client, known, django_capture_on_commit_callbacks
):
    answers, query_counts = [], []
    for address in ("known@example.com", "nobody@example.com"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False) as callbacks,
        ):
            response = client.post(RESET_URL, {"email": address})
        answers.append((response.status_code, response["Location"]))
        query_counts.append((len(queries), len(callbacks)))
        for callback in callbacks:  # the worker's part: mail only to a known address
            callback()
    assert answers[0] == answers[1] == (302, "/accounts/password/reset/sent/")
    assert query_counts[0] == query_counts[1]
    assert query_counts[0][0] == 0  # the page never looks the address up
    assert [message.to for message in mail.outbox] == [["known@example.com"]]


def test_reset_requests_are_limited_per_address(
    client, known, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert (
            ask_reset(client, "known@example.com", django_capture_on_commit_callbacks).status_code
            == 302
        )
    refused = ask_reset(client, "known@example.com", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert "Too many reset requests" in refused.content.decode()
    assert len(mail.outbox) == 2
    # An unknown address is limited the same way: the 429 says nothing about accounts.
    for _ in range(2):
        ask_reset(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert (
        ask_reset(client, "nobody@example.com", django_capture_on_commit_callbacks).status_code
        == 429
    )
    # Another address from the same network is still served.
    assert (
        ask_reset(client, "other@example.com", django_capture_on_commit_callbacks).status_code
        == 302
    )


def test_reset_requests_are_limited_per_client_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    statuses = [
        ask_reset(client, address, django_capture_on_commit_callbacks).status_code
        for address in [*ADDRESSES, "known@example.com"]
    ]
    assert statuses == [302, 302, 302, 429]


def test_a_malformed_address_is_an_error_naming_the_field(client):
    response = client.post(RESET_URL, {"email": "not-an-address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="email"' in html and "E-mail address" in html


def test_reset_page_speaks_simplified_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    html = client.get(RESET_URL).content.decode()
    assert "重置密码" in html


def test_change_password_from_the_user_menu(client, known):
    client.force_login(known)
    assert 'href="/accounts/password/change/"' in client.get("/").content.decode()
    wrong = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and 'data-field="old_password"' in wrong.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in on this device
    assert Notification.objects.filter(recipient=known, title="Your password was changed")


def test_the_reset_mail_speaks_the_language_of_the_page(
    client, known, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "zh-hans"
    ask_reset(client, "known@example.com", django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "重置您在催收后台的密码"
    assert "请在一小时内通过以下链接设置新密码" in mail.outbox[0].body
