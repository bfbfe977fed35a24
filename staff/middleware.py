"""Request middleware of the staff app: the user's language, and two-factor sign-in.

Two-factor sign-in is enforced on every page rather than view by view.

A user who has signed in with the password but owes the second factor reaches
only the pages that settle it (verify, enrol, log out, language) and the pages
that need no login; anything else redirects there, `next` kept. The same holds
for a user whose role requires two-factor sign-in but who has no device yet:
they are sent to enrolment until they have one.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from .accounts import TWO_FACTOR_OWED_SESSION_KEY, two_factor_required
from .selectors import profile_of

# Pages a half-signed-in user may open.
OPEN_WHILE_PENDING = {
    "two_factor_verify",
    "two_factor_setup",
    "two_factor",
    "logout",
    "set_language",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None  # is_verified() reads the session: no query for most users
        if not getattr(view_func, "login_required", True):
            return None  # login, password reset, health check: no account needed
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WHILE_PENDING:
            return None
        if request.session.get(TWO_FACTOR_OWED_SESSION_KEY):
            target = "two_factor_verify"
        elif two_factor_required(user):
            target = "two_factor_setup"
        else:
            return None
        if request.headers.get("HX-Request"):
            # An htmx fragment would swap a form into the page: reload it instead.
            response = redirect(target)
            response["HX-Redirect"] = response["Location"]
            return response
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class UserLanguageMiddleware:
    """Activates the language the signed-in user chose (remembered on their profile).

    Runs after LocaleMiddleware and AuthenticationMiddleware, so an anonymous
    visitor still gets the cookie/Accept-Language choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = profile_of(getattr(request, "user", None))
        if profile is not None and profile.language:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
