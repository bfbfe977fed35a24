"""Bank API keys: Bearer authentication, expiry, revocation, last use, throttling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import BankApiKey
from cases.services.banks import api_key_hash, api_key_revoke

from .builders import bearer, issue_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/placements/"


def assert_401(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail", "errors"}


def test_request_without_a_key_is_401_with_bearer_challenge(api):
    assert_401(api.get(URL))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer co_abc", "Bearer co_unknown0_secret", "Token x", "Bearer a b", "Basic eA=="],
)
def test_malformed_or_unknown_key_is_401(api, header):
    assert_401(api.get(URL, HTTP_AUTHORIZATION=header))


@pytest.mark.parametrize("key", ["co_" + "a" * 300, "xx_" + "a" * 300, "xx_short"])
def test_a_key_that_cannot_be_ours_is_refused_before_any_lookup(
    api, agreement_a, key, django_assert_num_queries
):
    # No hashing of megabyte headers and no database query for what is not a key.
    with django_assert_num_queries(0):
        response = api.get(URL, **bearer(key))
    assert response.status_code == 401


def test_revoked_key_is_401(api, agreement_a):
    key, raw = issue_key(agreement_a.bank)
    api_key_revoke(api_key=key, actor=None)
    assert_401(api.get(URL, **bearer(raw)))


def test_expired_key_is_401(api, agreement_a, time_machine_now):
    _key, raw = issue_key(agreement_a.bank, expires_at=timezone.now() + dt.timedelta(days=1))
    assert api.get(URL, **bearer(raw)).status_code == 200
    time_machine_now(timezone.now() + dt.timedelta(days=2))
    assert_401(api.get(URL, **bearer(raw)))


def test_key_of_a_disabled_bank_is_401(api, agreement_a):
    _key, raw = issue_key(agreement_a.bank)
    agreement_a.bank.is_active = False
    agreement_a.bank.save()
    assert_401(api.get(URL, **bearer(raw)))


def test_key_is_stored_only_as_a_hash_with_a_visible_prefix(agreement_a):
    key, raw = issue_key(agreement_a.bank)
    assert raw.startswith(key.prefix + "_")
    assert key.prefix.startswith("co_") and len(key.prefix) == 11
    stored = BankApiKey.objects.get(pk=key.pk)
    assert stored.key_hash == api_key_hash(raw)
    assert raw not in str(BankApiKey.objects.filter(pk=key.pk).values().get())
    assert stored.history.count() == 1


def test_staff_session_does_not_open_the_api(client, staff_user, branch_a):
    from staff import roles

    client.force_login(staff_user(roles.ADMIN_STAFF, branch=branch_a))
    response = client.get(URL)
    assert response.status_code == 401


def test_bank_key_does_not_open_staff_pages(client, key_a):
    response = client.get("/cases/placements/", **bearer(key_a[1]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_last_used_is_written_at_most_once_a_minute(api, key_a, time_machine_now):
    key, raw = key_a
    api.get(URL, **bearer(raw))
    first = BankApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    api.get(URL, **bearer(raw))
    assert BankApiKey.objects.get(pk=key.pk).last_used_at == first
    time_machine_now(timezone.now() + dt.timedelta(minutes=2))
    api.get(URL, **bearer(raw))
    assert BankApiKey.objects.get(pk=key.pk).last_used_at > first


def test_requests_are_throttled_per_key(api, key_a, key_b, settings):
    # Fresh keys have fresh prefixes: no cache.clear() (it would FLUSHDB a shared Redis).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"bank_api": "3/minute", "bank_api_upload": "1/minute"},
    }
    for _ in range(3):
        assert api.get(URL, **bearer(key_a[1])).status_code == 200
    throttled = api.get(URL, **bearer(key_a[1]))
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    # Another key (another bank) has its own budget.
    assert api.get(URL, **bearer(key_b[1])).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/placements/"),
        ("post", "/api/v1/placements/"),
        ("get", "/api/v1/placements/{placement}/"),
        ("get", "/api/v1/placements/{placement}/errors/"),
        ("get", "/api/v1/placements/{placement}/errors/?format=csv"),
        ("get", "/api/v1/cases/"),
        ("get", "/api/v1/cases/{case}/"),
        ("post", "/api/v1/cases/{case}/recall/"),
    ],
)
@pytest.mark.parametrize("header", [None, "revoked", "expired"])
def test_every_endpoint_refuses_missing_revoked_and_expired_keys(
    api, agreement_a, method, path, header, time_machine_now
):
    from cases.models import Case

    from .builders import make_case, make_placement

    placement = make_placement(agreement_a)
    case = make_case(agreement_a, placement=placement)
    kwargs = {}
    if header == "revoked":
        key, raw = issue_key(agreement_a.bank)
        api_key_revoke(api_key=key, actor=None)
        kwargs = bearer(raw)
    elif header == "expired":
        _key, raw = issue_key(agreement_a.bank, expires_at=timezone.now() + dt.timedelta(hours=1))
        time_machine_now(timezone.now() + dt.timedelta(hours=2))
        kwargs = bearer(raw)
    url = path.format(placement=placement.pk, case=case.pk)
    assert_401(getattr(api, method)(url, **kwargs))
    assert Case.objects.get(pk=case.pk).status == Case.Status.NEW
