"""Chinese first: the page language is the visitor's explicit choice, else Simplified Chinese."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Activate the language chosen with the header switcher (its cookie), else LANGUAGE_CODE.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor whose
    browser is set to English would get English pages; a city portal speaks Chinese unless the
    visitor asks otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` on every answer that may show personal data, so neither a shared
    proxy nor the browser keeps it (a shared computer's back button after logout shows nothing).

    That is every answer to a signed-in user (the header names them on every page), every staff
    page and every API answer. Anonymous answers outside staff/ and api/ (the home page, public
    vacancies and policies) keep what their views say, and so does an anonymous API answer its
    view declares ``public``. Static files are answered before this runs (WhiteNoise).
    """

    PRIVATE_PREFIXES = ("/staff/", "/api/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.is_private(request, response) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response

    def is_private(self, request, response) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if request.path.startswith("/api/") and "public" in response.get("Cache-Control", ""):
            return False
        return request.path.startswith(self.PRIVATE_PREFIXES)
