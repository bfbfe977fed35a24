"""Staff account pages: password reset and change, two-factor enrolment and verification.

Thin views over `staff.accounts`. The reset request answers the same way for any
address (the worker looks the address up and mails); the second factor is enforced
for every page by `staff.middleware.TwoFactorMiddleware`, not here.
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlsplit

import segno
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from . import accounts, forms, tasks

logger = logging.getLogger(__name__)


def _client_ip(request) -> str:
    # The client address as the login lockout (django-axes) sees it, so both limits
    # follow the same proxy configuration.
    return get_client_ip_address(request) or ""


def _site(request) -> tuple[str, bool]:
    """Host and scheme for the link in the mail: SITE_URL when set, else this request's."""
    if settings.SITE_URL:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc, parts.scheme == "https"
    return request.get_host(), request.is_secure()


def _safe_next(request, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


# --- Password reset and change ----------------------------------------------------------------


@login_not_required
@never_cache
def password_reset_request(request):
    """Asks for the address. Known or not, the answer and the work done are the same."""
    form = forms.PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not accounts.password_reset_allowed(email=email, ip_address=_client_ip(request)):
            form.add_error(
                None,
                _("Too many reset requests for this address or network. Try again later."),
            )
            return render(
                request, "registration/password_reset_form.html", {"form": form}, status=429
            )
        domain, use_https = _site(request)
        language = get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: tasks.password_reset_mail_send.delay(
                email=email, domain=domain, use_https=use_https, language=language
            )
        )
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed_notify(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed_notify(user=form.user)
        messages.success(self.request, _("Your password was changed."))
        return response


# --- Two-factor sign-in --------------------------------------------------------------------


@never_cache
def two_factor(request):
    """The person's own second factor: enrolled or not, recovery codes left, what to do."""
    user = request.user
    return render(
        request,
        "registration/two_factor.html",
        {
            "enrolled": accounts.two_factor_enrolled(user),
            "required": accounts.two_factor_required(user),
            "codes_left": accounts.recovery_codes_left(user=user),
        },
    )


def _grouped(secret: str) -> str:
    """The key as people type it into an app: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_code(device) -> str:
    # Drawn here as an SVG data URI: no script, no CDN, allowed by the CSP's img-src.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@never_cache
def two_factor_setup(request):
    """Enrolment: the QR code and key of a new authenticator, confirmed by its first code."""
    user = request.user
    if accounts.two_factor_enrolled(user) and not user.is_verified():
        # Enrolled already: prove it first (a stolen password must not re-enrol).
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = accounts.totp_device_pending(user=user)
    form = forms.TotpConfirmForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = accounts.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[accounts.TWO_FACTOR_OWED_SESSION_KEY] = True
            return _no_store(
                render(
                    request,
                    "registration/two_factor_codes.html",
                    {"codes": codes, "next": _safe_next(request)},
                )
            )
        form.add_error("code", _("The code does not match. Check the phone's time and try again."))
    if device is None or request.method == "GET":
        device = accounts.totp_device_start(user=user)
    context = {
        "form": form,
        "qr_code": _qr_code(device),
        "secret": _grouped(base64.b32encode(device.bin_key).decode("ascii")),
        "required": accounts.two_factor_required(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return _no_store(render(request, "registration/two_factor_setup.html", context))


@never_cache
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    if not user_has_device(user):
        # The devices were removed (a lost phone, by an administrator): nothing is owed;
        # a role that requires the second factor is sent on to enrolment.
        request.session[accounts.TWO_FACTOR_OWED_SESSION_KEY] = False
        return redirect(_safe_next(request))
    form = forms.SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = accounts.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            if device.name == accounts.RECOVERY_DEVICE_NAME:
                left = accounts.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)s are left.") % {"left": left},
                )
            return redirect(_safe_next(request))
        logger.warning("second factor refused", extra={"user_id": user.pk})
        if accounts.second_factor_throttled(user=user, code=form.cleaned_data["code"]):
            form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("code", _("This code is not valid."))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/two_factor_verify.html", context)


@require_POST
def two_factor_codes_replace(request):
    """New recovery codes (the old ones stop working), for a verified, enrolled person."""
    user = request.user
    if not (accounts.two_factor_enrolled(user) and user.is_verified()):
        return redirect("two_factor")
    codes = accounts.recovery_codes_replace(user=user)
    return _no_store(
        render(
            request,
            "registration/two_factor_codes.html",
            {"codes": codes, "next": reverse("two_factor")},
        )
    )


@require_POST
def two_factor_remove(request):
    user = request.user
    if accounts.two_factor_required(user):
        messages.error(request, _("Your role requires two-factor sign-in: it cannot be removed."))
        return redirect("two_factor")
    if accounts.two_factor_enrolled(user) and not user.is_verified():
        return redirect("two_factor_verify")
    accounts.two_factor_remove(user=user)
    request.session[accounts.TWO_FACTOR_OWED_SESSION_KEY] = False
    messages.success(request, _("Two-factor sign-in was removed from your account."))
    return redirect("two_factor")
