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


# --- What the 401 says, and the edges of each check (docs/quality.md, fourth run) ---------


def _detail(response) -> str:
    assert_401(response)
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer", "Invalid Authorization header: expected 'Bearer <api key>'."),
        ("Bearer a b", "Invalid Authorization header: expected 'Bearer <api key>'."),
        ("Bearer co_abc", "Invalid API key."),
        ("Bearer xx_abc", "Invalid API key."),
        ("Bearer co_é".encode().decode("latin-1"), "Invalid API key."),
        ("Bearer co_" + "a" * 198, "Invalid API key."),
    ],
)
def test_a_bad_header_or_key_is_told_what_is_wrong(api, header, detail):
    assert _detail(api.get(URL, HTTP_AUTHORIZATION=header)) == detail


def test_each_refused_key_is_told_why(api, agreement_a, time_machine_now):
    revoked, revoked_raw = issue_key(agreement_a.bank)
    api_key_revoke(api_key=revoked, actor=None)
    assert _detail(api.get(URL, **bearer(revoked_raw))) == "This API key has been revoked."

    _key, expiring_raw = issue_key(
        agreement_a.bank, expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    time_machine_now(timezone.now() + dt.timedelta(hours=2))
    assert _detail(api.get(URL, **bearer(expiring_raw))) == "This API key has expired."

    _key, raw = issue_key(agreement_a.bank)
    agreement_a.bank.is_active = False
    agreement_a.bank.save()
    assert _detail(api.get(URL, **bearer(raw))) == "This bank's API access is disabled."


def test_the_challenge_names_the_scheme_and_realm(api):
    assert api.get(URL)["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("keyword", ["bearer", "BEARER", "Bearer"])
def test_the_scheme_name_is_case_insensitive(api, key_a, keyword):
    response = api.get(URL, HTTP_AUTHORIZATION=f"{keyword} {key_a[1]}")
    assert response.status_code == 200


def test_a_key_of_the_longest_allowed_length_is_looked_up(
    api, agreement_a, django_assert_num_queries
):
    # 200 characters may be a key (one lookup, then "invalid"); 201 cannot (no query).
    with django_assert_num_queries(1):
        assert api.get(URL, **bearer("co_" + "a" * 197)).status_code == 401
    with django_assert_num_queries(0):
        assert api.get(URL, **bearer("co_" + "a" * 198)).status_code == 401


def test_a_key_expires_at_its_expiry_time_exactly(api, agreement_a):
    import time_machine

    expires_at = timezone.now() + dt.timedelta(hours=1)
    _key, raw = issue_key(agreement_a.bank, expires_at=expires_at)
    with time_machine.travel(expires_at - dt.timedelta(microseconds=1), tick=False):
        assert api.get(URL, **bearer(raw)).status_code == 200
    with time_machine.travel(expires_at, tick=False):
        assert _detail(api.get(URL, **bearer(raw))) == "This API key has expired."


def test_last_used_is_written_again_a_minute_later_exactly(api, key_a):
    import time_machine

    key, raw = key_a
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get(URL, **bearer(raw))
    assert BankApiKey.objects.get(pk=key.pk).last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        api.get(URL, **bearer(raw))
    assert BankApiKey.objects.get(pk=key.pk).last_used_at == start
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        api.get(URL, **bearer(raw))
    assert BankApiKey.objects.get(pk=key.pk).last_used_at == start + dt.timedelta(minutes=1)


def test_last_used_is_a_plain_update_without_a_history_row(api, key_a):
    key, raw = key_a
    assert api.get(URL, **bearer(raw)).status_code == 200
    assert BankApiKey.objects.get(pk=key.pk).last_used_at is not None
    assert key.history.count() == 1  # the issue only


def test_the_principal_is_the_bank_and_the_credentials_the_key(rf, key_a, agreement_a):
    from cases.authentication import BankApiKeyAuthentication, BankPrincipal

    key, raw = key_a
    before = timezone.now()
    principal, auth = BankApiKeyAuthentication().authenticate(
        rf.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    )
    assert isinstance(principal, BankPrincipal)
    assert principal.bank == agreement_a.bank
    assert principal.api_key == auth == key
    assert auth.bank == agreement_a.bank
    # The key object handed on says when it was used (as the row now does).
    assert auth.last_used_at is not None and auth.last_used_at >= before
    assert BankApiKey.objects.get(pk=key.pk).last_used_at == auth.last_used_at
    assert principal.is_authenticated and not principal.is_staff and principal.pk is None
    assert str(principal) == principal.get_username() == f"bank:{agreement_a.bank.code}"


def test_no_authorization_header_is_no_credentials_not_a_refusal(rf):
    from cases.authentication import BankApiKeyAuthentication

    assert BankApiKeyAuthentication().authenticate(rf.get(URL)) is None
    assert (
        BankApiKeyAuthentication().authenticate(rf.get(URL, HTTP_AUTHORIZATION="Token x")) is None
    )


def test_demo_keys_work_in_development_and_are_refused_in_production(api, agreement_a, settings):
    from cases.demo import DEVELOPMENT_KEYS
    from staff.services import demo_data_mark

    seeded, seeded_raw = issue_key(agreement_a.bank)
    demo_data_mark(obj=seeded)
    _published, published_raw = issue_key(agreement_a.bank, raw_key=DEVELOPMENT_KEYS["cmb"])
    _real, real_raw = issue_key(agreement_a.bank)
    settings.PRODUCTION = False
    for raw in (seeded_raw, published_raw, real_raw):
        assert api.get(URL, **bearer(raw)).status_code == 200
    settings.PRODUCTION = True
    for raw in (seeded_raw, published_raw):
        assert _detail(api.get(URL, **bearer(raw))) == "Demo API keys are refused in production."
    assert api.get(URL, **bearer(real_raw)).status_code == 200


def test_the_schema_describes_a_bearer_token():
    from cases.authentication import BankApiKeyAuthentication, BankApiKeyScheme

    scheme = BankApiKeyScheme(BankApiKeyAuthentication).get_security_definition(None)
    assert scheme == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "co_<prefix>_<secret>",
        "description": "A bank API key issued by the agency's admin staff, sent as "
        "`Authorization: Bearer <key>`.",
    }


def test_authenticating_a_key_costs_its_lookup_with_the_bank_and_the_last_use_write(
    rf, key_a, django_assert_num_queries
):
    from cases.authentication import BankApiKeyAuthentication

    _key, raw = key_a
    request = rf.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    with django_assert_num_queries(2):
        principal, _auth = BankApiKeyAuthentication().authenticate(request)
        assert principal.bank.is_active
