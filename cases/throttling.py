"""Rate limits of the bank API, counted per API key (by its visible prefix).

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (set from the
environment in settings) and are read on every request, so tests and
operators can change them without re-importing this module.

The count is a sliding window (no more than N requests in any period of the
rate's length, as DRF's own throttle means it), kept atomically: DRF's
SimpleRateThrottle reads the history, decides and writes it back, so parallel
requests of one key all read the same history and all pass (700 of a
600/minute budget passed from 6 threads). On Redis one Lua script trims,
counts and records the request in one step, on Redis's clock (web servers'
clocks may differ); on the embedded file cache (one machine) DRF's
read-modify-write runs under a file lock per key.
"""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from collections_office.file_locks import file_lock

from .models import BankApiKey

# KEYS[1]: the key's sorted set of request times (ms). ARGV: limit, window (ms), member.
# Returns {1, 0} when the request is let through (and recorded), else {0, ms to wait}.
_SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
"""


class BankApiKeyRateThrottle(SimpleRateThrottle):
    """Every request of one key counts against `bank_api` (e.g. 600/minute)."""

    scope = "bank_api"
    cache_alias = "default"

    def __init__(self):
        # SimpleRateThrottle reads the rates once at import; read them now instead.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()
        self.cache = caches[self.cache_alias]
        self._wait_seconds: float | None = None

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        if not isinstance(key, BankApiKey):
            return None  # not a bank request (the schema, docs): not throttled here
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        if isinstance(self.cache, RedisCache):
            return self._allow_on_redis()
        with file_lock(f"throttle:{self.key}", wait=True):
            return super().allow_request(request, view)

    def _allow_on_redis(self) -> bool:
        redis_key = self.cache.make_and_validate_key(self.key)
        # Django's RedisCache has no public way to run a script; its client pool is
        # `_cache` (stable since Django 4.0). The test against a live server holds it.
        client = self.cache._cache.get_client(redis_key, write=True)
        allowed, wait_ms = client.eval(
            _SLIDING_WINDOW,
            1,
            redis_key,
            self.num_requests,
            int(self.duration * 1000),
            uuid.uuid4().hex,
        )
        self._wait_seconds = None if allowed else max(int(wait_ms), 0) / 1000
        return bool(allowed)

    def wait(self):
        if self._wait_seconds is not None:
            return self._wait_seconds
        return super().wait()


class BankApiUploadRateThrottle(BankApiKeyRateThrottle):
    """Uploads are heavier: a separate, lower budget (`bank_api_upload`)."""

    scope = "bank_api_upload"
