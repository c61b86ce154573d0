"""API rate limits per token (or per user, for a browser session), with 429 and Retry-After.

Rates are read from ``settings.API_THROTTLE_RATES`` each time a throttle is made (once per
request), so they follow the environment and a test's settings. Reads and writes are counted apart; a view that sets
``throttle_scope = "export"`` is counted under the lower export rate as well.
"""

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class _ApiThrottle(SimpleRateThrottle):
    scope: str = ""

    def get_rate(self) -> str | None:
        rates: dict[str, str] = settings.API_THROTTLE_RATES
        return rates.get(self.scope)

    def applies(self, request: Request, view: Any) -> bool:
        raise NotImplementedError

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not self.applies(request, view):
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle-{self.scope}-{ident}"


class ReadThrottle(_ApiThrottle):
    """Requests that only read."""

    scope = "read"

    def applies(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS


class WriteThrottle(_ApiThrottle):
    """Requests that change something."""

    scope = "write"

    def applies(self, request: Request, view: Any) -> bool:
        return request.method not in SAFE_METHODS


class ExportThrottle(_ApiThrottle):
    """Statistics exported as files."""

    scope = "export"

    def applies(self, request: Request, view: Any) -> bool:
        return getattr(view, "throttle_scope", None) == "export"
