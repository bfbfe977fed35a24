"""Staff accounts: who must use two-factor sign-in, TOTP devices and recovery codes,
password-reset mail and the rate limits in front of it.

Two-factor sign-in is django-otp's: a TOTP device (an authenticator app) and a static
device whose tokens are the recovery codes, each usable once (django-otp deletes a
static token when it verifies). `TwoFactorMiddleware` (staff/middleware.py) keeps a
signed-in but unverified user on the verification or enrolment page.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .selectors import has_role

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


# --- Who must use a second factor -----------------------------------------------------------


def two_factor_required(user) -> bool:
    """Whoever sees full personal data or downloads bank files, when the setting is on.

    Supervisors reveal any case of their branch; holders of the original-download
    permission (and superusers, who hold every permission) take whole bank files.
    """
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, *roles.TWO_FACTOR_ROLES) or user.has_perm(
        roles.ORIGINAL_DOWNLOAD_PERMISSION
    )


def two_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


TWO_FACTOR_OWED_SESSION_KEY = "two_factor_owed"


def two_factor_note_at_login(sender, request, user, **kwargs) -> None:
    """At every password sign-in, notes in the session whether a code is owed.

    A `user_logged_in` receiver rather than code in our login view, because the
    admin site's login page signs people in too and must not skip the second factor.
    Kept in the session so that pages do not ask the database on every request.
    """
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_OWED_SESSION_KEY] = user_has_device(user)


# --- Enrolment ------------------------------------------------------------------------------


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing an unconfirmed earlier try)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_device_pending(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the authenticator with its first code; returns the new recovery codes.

    None when the code is wrong. Confirming replaces any earlier authenticator and
    recovery codes: one phone per person, and codes that were shown once before are void.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_replace(user=user)
    logger.info("two-factor sign-in enrolled", extra={"user_id": user.pk})
    _security_notice(
        user=user,
        make=lambda: (
            _("Two-factor sign-in was set up"),
            _(
                "An authenticator app was set up for your account. If this was not you, "
                "tell your administrator at once."
            ),
        ),
    )
    return codes


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """Ten new single-use recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_remove(*, user) -> None:
    """Removes the authenticator and the recovery codes (only where 2FA is optional)."""
    if two_factor_required(user):
        raise PermissionError("two-factor sign-in is required for this account")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("two-factor sign-in removed", extra={"user_id": user.pk})
    _security_notice(
        user=user,
        make=lambda: (
            _("Two-factor sign-in was turned off"),
            _(
                "Signing in to your account needs only the password again. If this was not "
                "you, tell your administrator at once."
            ),
        ),
    )


# --- Verification at sign-in ---------------------------------------------------------------


def normalise_code(raw: str) -> str:
    return "".join((raw or "").split()).replace("-", "").lower()


def _device_class_for(code: str):
    # Six digits go to the authenticator, anything else to the recovery codes, so a
    # wrong code counts against (and throttles) one device only.
    return TOTPDevice if code.isdigit() else StaticDevice


def second_factor_verify(*, user, code: str):
    """The device that accepts `code` (authenticator or a recovery code), or None."""
    code = normalise_code(code)
    if not code:
        return None
    wanted = _device_class_for(code)
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, wanted) and device.verify_token(code):
                return device
    return None


def second_factor_throttled(*, user, code: str) -> bool:
    """True after several wrong codes in a row, while the device makes the person wait.

    django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s …); a single typo
    is not worth a warning, three in a row are.
    """
    wanted = _device_class_for(normalise_code(code))
    return any(
        device.throttling_failure_count >= 3 and not device.verify_is_allowed()[0]
        for device in devices_for_user(user)
        if isinstance(device, wanted)
    )


# --- Password reset ------------------------------------------------------------------------


def _rate_key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def _over_limit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Counts one attempt atomically (Redis INCR) and says if the limit is passed."""
    key = _rate_key(scope, identity)
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def password_reset_allowed(*, email: str, ip_address: str) -> bool:
    """Both counters move on every request, known address or not (no enumeration)."""
    window = settings.PASSWORD_RESET_RATE_WINDOW_SECONDS
    by_address = _over_limit(
        "password-reset-address",
        email,
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window_seconds=window,
    )
    by_ip = _over_limit(
        "password-reset-ip",
        ip_address or "unknown",
        limit=settings.PASSWORD_RESET_LIMIT_PER_IP,
        window_seconds=window,
    )
    return not (by_address or by_ip)


def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mails a reset link to each active account with this address (none: nothing).

    Runs in the worker, so the page answers the same way, in the same time, whether
    the address is known or not.
    """
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=domain,
        use_https=use_https,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
    )


def _security_notice(*, user, make) -> None:
    """Tells the person (bell and e-mail, in their language) that their sign-in changed:
    if it was not them, they know at once. `make()` gives the title and the text."""
    from .selectors import profile_of
    from .services import notification_send

    profile = profile_of(user)
    language = (profile.language if profile else "") or translation.get_language() or "en"
    with translation.override(language):
        title, body = make()
    notification_send(recipient=user, title=title, body=body)


def password_changed_notify(*, user) -> None:
    _security_notice(
        user=user,
        make=lambda: (
            _("Your password was changed"),
            _(
                "The password of your account was changed. If this was not you, tell your "
                "administrator at once."
            ),
        ),
    )
