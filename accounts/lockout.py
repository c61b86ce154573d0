"""What happens around django-axes: the client address it counts, and the mail at a lockout."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit.services import audit_record
from audit.services import client_ip as audit_client_ip
from core.emails import build_email


def client_ip(request: HttpRequest) -> str | None:
    """Count failures by the same client address the audit trail records."""
    return audit_client_ip(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR")
    )


def lockout_notify(*, username: str | None, ip_address: str | None) -> bool:
    """Record a lockout and mail the account's owner, once per lockout; say if mail went."""
    user = User.objects.filter(username=username or "", is_active=True).first()
    if user is None:
        return False
    # cache.add is an atomic claim: only the first locked-out attempt of a lockout wins it.
    cooloff = settings.AXES_COOLOFF_TIME
    seconds = int(cooloff * 3600) if cooloff else 24 * 3600
    if not cache.add(f"lockout-mail-{user.pk}", 1, timeout=seconds):
        return False
    audit_record(actor=None, action="lockout", detail={"user": user.pk})
    if not user.email:
        return False
    message = build_email(
        "account-locked", {"user": user, "ip_address": ip_address}, to=[user.email]
    )
    transaction.on_commit(message.send)
    return True


def on_user_locked_out(
    sender: Any,
    request: HttpRequest,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    lockout_notify(username=username, ip_address=ip_address)


def lockout_clear(*, user: User) -> None:
    """Let the mail go again at the account's next lockout (an administrator unlocked it)."""
    cache.delete(f"lockout-mail-{user.pk}")
