"""Rate limits of the bank API, counted per API key (by its visible prefix).

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (set from the
environment in settings) and are read on every request, so tests and
operators can change them without re-importing this module.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import BankApiKey


class BankApiKeyRateThrottle(SimpleRateThrottle):
    """Every request of one key counts against `bank_api` (e.g. 600/minute)."""

    scope = "bank_api"

    def __init__(self):
        # SimpleRateThrottle reads the rates once at import; read them now instead.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        if not isinstance(key, BankApiKey):
            return None  # not a bank request (the schema, docs): not throttled here
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}


class BankApiUploadRateThrottle(BankApiKeyRateThrottle):
    """Uploads are heavier: a separate, lower budget (`bank_api_upload`)."""

    scope = "bank_api_upload"
