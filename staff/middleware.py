"""Request middleware of the staff app."""

from django.utils import translation

from .selectors import profile_of


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
