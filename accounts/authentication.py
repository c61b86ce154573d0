"""How the API knows who is asking: session or a named, scoped, expiring token.

A token is looked up by the SHA-256 digest of the key it was sent with; the key itself is
never stored. An unknown, expired or revoked token, or one of an inactive user, is a 401. A
``read`` token may only read: any other method is a 403 (``TokenScopePermission``).
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from accounts.models import ApiToken, User

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION_SECONDS = 300


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` with a key from ``staff token`` or the account page."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("トークンの形式が正しくありません。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("トークンの形式が正しくありません。")) from None
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        )
        now = timezone.now()
        if token is None or not token.is_live(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("トークンが正しくないか、期限切れか、取り消されています。")
            )
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenScopePermission(permissions.BasePermission):
    """A ``read`` token may only read.

    A view that takes a POST only to compute an answer — the suggestions for a set of codes —
    says so with ``reads_only = True``, and a read token may use it.
    """

    message = _("このトークンは読み取り専用です。書き込みには write のトークンを使ってください。")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == ApiToken.Scope.READ:
            return request.method in permissions.SAFE_METHODS or getattr(view, "reads_only", False)
        return True
