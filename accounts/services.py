"""Writes for staff and desks, their API tokens, sessions and second factors."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import ApiToken, Desk, Membership, User, UserSession
from audit.services import audit_record
from core.emails import build_email

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def staff_add(
    *,
    username: str,
    desk_slug: str,
    role: str,
    email: str = "",
    password: str | None = None,
    validate: bool = True,
) -> Membership:
    """Create the user if needed and give them a role at a desk."""
    if role not in Membership.Role.values:
        raise ValidationError(
            _("役割「%(role)s」はありません。counsellor か supervisor を指定してください。")
            % {"role": role}
        )
    try:
        desk = Desk.objects.get(slug=desk_slug)
    except Desk.DoesNotExist:
        raise ValidationError(_("デスク「%(slug)s」はありません。") % {"slug": desk_slug}) from None
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email)
        if password is None:
            user.set_unusable_password()
        else:
            if validate:
                validate_password(password, user)
            user.set_password(password)
        user.full_clean()
        user.save()
    else:
        if email and user.email != email:
            user.email = email
            user.full_clean()
            user.save(update_fields=["email"])
        if password is not None:
            if validate:
                validate_password(password, user)
            user.set_password(password)
            user.save(update_fields=["password"])
    membership, _created = Membership.objects.update_or_create(
        user=user, desk=desk, defaults={"role": role}
    )
    return membership


def staff_token(*, username: str) -> str:
    """Create a write token valid for the default lifetime and return its key (shown once)."""
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise ValidationError(
            _("職員「%(username)s」はいません。") % {"username": username}
        ) from None
    _token, key = token_create(user=user, name="manage.py staff token", scope=ApiToken.Scope.WRITE)
    return key


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a named API token; return it with its key, which is stored only as a digest."""
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("範囲は read か write を指定してください。")})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("有効期間は1〜%(max)s日です。") % {"max": settings.API_TOKEN_MAX_DAYS}}
        )
    key = ApiToken.new_key()
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        digest=ApiToken.digest_of(key),
        prefix=key[:8],
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(actor=user, action="token_create", detail={"token": token.pk, "scope": scope})
    return token, key


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(actor=user, action="token_revoke", detail={"token": token_id})


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def sessions_end(*, user: User) -> int:
    """Sign the user out of every browser session; return how many ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def access_end(*, user: User, reason: str) -> None:
    """Revoke the user's tokens, and end their sessions unless only the password changed.

    A password change already ends every other session (Django checks a hash of the password
    on each request), and the session that changed it carries on.
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    ended = 0 if reason == "password" else sessions_end(user=user)
    if revoked or ended:
        audit_record(
            actor=None,
            action="access_end",
            detail={"user": user.pk, "reason": reason, "tokens": revoked, "sessions": ended},
        )


def is_verified(user: object) -> bool:
    """Tell whether this request's user confirmed a second factor (django-otp's mark)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if check is not None else False


def second_factor_required(user: User) -> bool:
    """Tell whether the user must confirm each sign-in with a second factor."""
    if user.second_factor_exempt:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, desk__require_second_factor=True).exists()


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones and return them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(actor=user, action="second_factor", detail={"change": "recovery_codes"})
    return codes


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator app with its first code; remove the user's older ones."""
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="second_factor", detail={"change": "totp_added"})
    return True


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """Remove all of a user's second factors (a lost device) and tell them by mail."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    sessions_end(user=user)
    audit_record(actor=actor, action="second_factor", detail={"change": "reset", "user": user.pk})
    if user.email:
        message = build_email("second-factor-reset", {"user": user}, to=[user.email])
        transaction.on_commit(message.send)
