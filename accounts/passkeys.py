"""Passkeys (django-otp-webauthn) bound to the host name and origin the site is served at.

The relying party is the host the request reached (Django has already checked it against
ALLOWED_HOSTS), so a passkey made at one deployment's address works there and nowhere else.
The origins accepted are that request's own and those of ``OTP_WEBAUTHN_ALLOWED_ORIGINS``
(default: ``SITE_URL``).
"""

from django.conf import settings
from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper


def rp_id(request: HttpRequest) -> str:
    """The relying party's id: the host name, without a port."""
    host = request.get_host()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if ":" in host else host


class PasskeyHelper(WebAuthnHelper):
    """Accept a passkey only from this site's own origin (or the configured ones)."""

    def get_allowed_origins(self) -> list[str]:
        configured: list[str] = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS
        own = f"{self.request.scheme}://{self.request.get_host()}"
        return [*configured, own] if own not in configured else list(configured)
