"""The bank API's rate limit holds when one key's requests arrive in parallel."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from .builders import issue_key

LIMIT = 25
REQUESTS = 90
THREADS = 6


def _get(url: str, key: str) -> int:
    # The live server's http:// URL only.
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["redis", "embedded file cache"])
def test_parallel_requests_of_one_key_never_pass_more_than_the_limit(
    live_server, agreement_a, settings, tmp_path, cache
):
    if cache != "redis":
        settings.VAR_DIR = tmp_path
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"bank_api": f"{LIMIT}/hour", "bank_api_upload": "1/hour"},
    }
    _key, secret = issue_key(agreement_a.bank)
    url = f"{live_server.url}/api/v1/placements/"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = Counter(pool.map(lambda _n: _get(url, secret), range(REQUESTS)))

    assert statuses == {200: LIMIT, 429: REQUESTS - LIMIT}


@pytest.mark.django_db
def test_a_throttled_request_says_how_long_to_wait(api, key_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"bank_api": "2/minute", "bank_api_upload": "1/minute"},
    }
    from .builders import bearer

    for _ in range(2):
        assert api.get("/api/v1/placements/", **bearer(key_a[1])).status_code == 200
    throttled = api.get("/api/v1/placements/", **bearer(key_a[1]))

    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert set(throttled.json()) == {"detail", "errors"}
