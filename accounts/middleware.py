"""Session limits and the second factor, checked on every request of a browser session."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import is_verified, second_factor_required
from accounts.sessions import rotate_session
from accounts.signals import SESSION_PRIVILEGE, SESSION_SEEN, SESSION_STARTED

# The last request time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """End a session idle too long or too old; give it a new id when the user's rights change.

    Idle: SESSION_IDLE_TIMEOUT; old: SESSION_ABSOLUTE_LIFETIME, both in seconds.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(SESSION_STARTED) is not None:
            now = int(time.time())
            started = int(request.session[SESSION_STARTED])
            seen = int(request.session.get(SESSION_SEEN, started))
            if now - seen > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, _("操作のない時間が続いたため、サインアウトしました。"))
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._end(
                    request, _("サインインから時間がたったため、サインアウトしました。")
                )
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN] = now
            version = request.user.privilege_version
            if request.session.get(SESSION_PRIVILEGE) != version:
                # A desk, role or admin right changed since the last request: a new id.
                rotate_session(request)
                request.session[SESSION_PRIVILEGE] = version
        return self.get_response(request)

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        login = reverse(settings.LOGIN_URL)
        return HttpResponseRedirect(
            f"{login}?{urlencode({'next': request.get_full_path()}, safe='/')}"
        )


class SecondFactorMiddleware:
    """Send a signed-in user who must confirm a second factor to do so before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and not self._open(request.path)
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("二要素認証を済ませてください。")}, status=403)
            login = reverse("accounts:second-factor")
            return HttpResponseRedirect(
                f"{login}?{urlencode({'next': request.get_full_path()}, safe='/')}"
            )
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        """Paths a signed-in user may reach before the second factor: its own pages, sign-out."""
        return path.startswith(
            (
                "/account/second-factor/",
                "/logout/",
                "/i18n/",
                "/static/",
                "/healthz",
                "/csp-report/",
                "/favicon.ico",
            )
        )
