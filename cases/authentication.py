"""How a bank proves who it is to the REST API: `Authorization: Bearer <api key>`.

A bank is not a Django user. A valid key makes `request.user` a small
`BankPrincipal` (the bank, never a staff account) and `request.auth` the
`BankApiKey`. Session authentication is not enabled on the API, and the staff
pages require a logged-in Django user, so a key never opens a staff page and a
staff session never opens the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import Bank, BankApiKey
from .selectors import is_demo_api_key
from .services.banks import API_KEY_PREFIX, api_key_hash

# `last_used_at` is written at most this often per key: a busy bank polling
# every second must not turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_MAX_KEY_LENGTH = 200


@dataclass(frozen=True, eq=False)
class BankPrincipal:
    """The bank behind an API request (what `request.user` is on the bank API)."""

    bank: Bank
    api_key: BankApiKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __str__(self) -> str:
        return f"bank:{self.bank.code}"

    def get_username(self) -> str:
        return str(self)


class BankApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer co_xxxxxxxx_<secret>` → the bank that owns the key."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no credentials: DRF answers 401 with WWW-Authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: expected 'Bearer <api key>'."
            )
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        if not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > _MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        try:
            key = BankApiKey.objects.select_related("bank").get(key_hash=api_key_hash(raw_key))
        except BankApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        now = timezone.now()
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if key.expires_at is not None and key.expires_at <= now:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        if not key.bank.is_active:
            raise exceptions.AuthenticationFailed("This bank's API access is disabled.")
        if settings.PRODUCTION and is_demo_api_key(key):
            # Their secrets are published (README); the system check stops the start too.
            raise exceptions.AuthenticationFailed("Demo API keys are refused in production.")
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            # A plain UPDATE: no history row, no race on other fields.
            BankApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return BankPrincipal(bank=key.bank, api_key=key), key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BankApiKeyScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular the API uses an HTTP bearer token."""

    target_class = "cases.authentication.BankApiKeyAuthentication"
    name = "bankApiKey"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 - the scheme name, not a secret
            bearer_format="co_<prefix>_<secret>",
        )
        scheme["description"] = (
            "A bank API key issued by the agency's admin staff, sent as "
            "`Authorization: Bearer <key>`."
        )
        return scheme
