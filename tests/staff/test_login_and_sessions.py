"""Logging in and out through the real views: lockout, logout, idle expiry, password rules."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staff import roles

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def supervisor(branch_a, staff_user):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.login")


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- Lockout ---------------------------------------------------------------------------


def test_the_right_password_logs_in(client, supervisor, password):
    response = log_in(client, supervisor.username, password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client)


def test_a_wrong_password_shows_the_form_again(client, supervisor):
    response = log_in(client, supervisor.username, "not-the-password")
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert b"id_password" in response.content


def test_five_failures_lock_the_account_even_for_the_right_password(
    client, supervisor, password, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        assert log_in(client, supervisor.username, "wrong-password").status_code == 200
    fifth = log_in(client, supervisor.username, "wrong-password")
    assert fifth.status_code == 429

    response = log_in(client, supervisor.username, password)

    assert response.status_code == 429
    assert not is_logged_in(client)
    assert "Too many failed log-in attempts" in response.content.decode()


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, supervisor, password):
    for attempt in range(5):
        client.post(
            LOGIN,
            {"username": supervisor.username, "password": "wrong-password"},
            headers={"x-forwarded-for": f"203.0.113.{attempt}"},
        )
    response = client.post(
        LOGIN,
        {"username": supervisor.username, "password": password},
        headers={"x-forwarded-for": "198.51.100.7"},
    )
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, supervisor, password, settings):
    for _attempt in range(5):
        log_in(client, supervisor.username, "wrong-password")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = log_in(client, supervisor.username, password)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(client, supervisor, password):
    for _attempt in range(4):
        log_in(client, supervisor.username, "wrong-password")
    assert log_in(client, supervisor.username, password).status_code == 302
    assert is_logged_in(client)


def test_a_lockout_is_per_user_name_so_colleagues_can_still_log_in(
    client, supervisor, branch_a, staff_user, password
):
    colleague = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.login")
    for _attempt in range(5):
        log_in(client, supervisor.username, "wrong-password")
    assert log_in(client, colleague.username, password).status_code == 302


# --- Logout and login required -----------------------------------------------------------


def test_logging_out_ends_the_session(client, supervisor, password):
    log_in(client, supervisor.username, password)
    assert client.get("/").status_code == 200
    session_key = client.session.session_key

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not Session.objects.filter(session_key=session_key).exists()
    for url in ("/", "/staff/"):
        after = client.get(url)
        assert after.status_code == 302
        assert after["Location"].startswith(f"{LOGIN}?next=")


def test_logout_by_get_is_refused(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_logged_in(client)


def test_every_page_needs_a_login_except_login_and_healthz(client):
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get(LOGIN).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_logged_in_user_visiting_the_login_page_goes_to_the_dashboard(client, supervisor):
    client.force_login(supervisor)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_does_not_redirect_to_another_site(client, supervisor, password):
    response = client.post(
        LOGIN,
        {"username": supervisor.username, "password": password, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Idle expiry --------------------------------------------------------------------------


def test_sessions_expire_when_idle_and_use_renews_them(client, supervisor, settings):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == dt.timedelta(minutes=30)

    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(supervisor)
        client.get("/")
        key = client.session.session_key
        first_expiry = Session.objects.get(session_key=key).expire_date
        assert first_expiry == start + idle

    # Active 20 minutes later: the expiry moves on by 20 minutes.
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assert client.get("/").status_code == 200
        renewed = Session.objects.get(session_key=key).expire_date
        assert renewed == start + dt.timedelta(minutes=20) + idle

    # 40 minutes after that (more than 30 idle): logged out.
    with time_machine.travel(start + dt.timedelta(minutes=60), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_two_requests_seconds_apart_write_the_session_once(client, supervisor, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(supervisor)
    with CaptureQueriesContext(connection) as queries:
        with time_machine.travel(start + dt.timedelta(seconds=1), tick=False):
            assert client.get("/").status_code == 200
        with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
            assert client.get("/").status_code == 200
    assert len(session_writes(queries.captured_queries)) == 1

    # Past the renewal interval, the next request pushes the expiry on (one write).
    later = start + dt.timedelta(seconds=settings.SESSION_RENEW_AFTER_SECONDS + 5)
    with CaptureQueriesContext(connection) as queries, time_machine.travel(later, tick=False):
        assert client.get("/").status_code == 200
    assert len(session_writes(queries.captured_queries)) == 1
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry == later + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_unrenewed_request_never_extends_the_session_beyond_the_idle_time(
    client, supervisor, settings
):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(supervisor)
        client.get("/")  # renews: expiry = start + idle
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get("/")  # within the renewal interval: no write
    # The session ends at most one renewal interval before 30 idle minutes, never after.
    with time_machine.travel(start + idle + dt.timedelta(seconds=1), tick=False):
        assert client.get("/").status_code == 302
    assert dt.timedelta(seconds=settings.SESSION_RENEW_AFTER_SECONDS) <= dt.timedelta(minutes=1)


def test_anonymous_visits_create_no_session_row(client):
    client.get("/accounts/login/")
    client.get("/healthz")
    assert Session.objects.count() == 0


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client, supervisor, password):
    response = log_in(client, supervisor.username, password)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # a browser-session cookie


# --- Password rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["short-pw-1", "123456789012345", "password1234", "sup.login.2026"]
)
def test_weak_passwords_are_refused(weak, supervisor):
    with pytest.raises(ValidationError):
        validate_password(weak, user=supervisor)


def test_a_long_unusual_password_is_accepted(supervisor):
    validate_password("granite-lantern-orbit-71", user=supervisor)
