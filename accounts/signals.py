"""Receivers that keep sessions, tokens and the audit trail in step with sign-ins."""

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django_otp_webauthn.models import WebAuthnCredential

from accounts.lockout import client_ip, on_user_locked_out
from accounts.models import Membership, User, UserSession
from accounts.services import access_end
from audit.services import audit_record

SESSION_STARTED = "accounts_started"
SESSION_SEEN = "accounts_seen"
SESSION_PRIVILEGE = "accounts_privilege"


def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    # From the database: the user object may predate a change made since it was loaded.
    user.refresh_from_db(fields=["privilege_version"])
    request.session[SESSION_PRIVILEGE] = user.privilege_version
    # login() has already given the session a new id; save it so the id is known now.
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )
    audit_record(actor=user, action="sign_in")


def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user = User.objects.filter(username=credentials.get("username", "")).first()
    # The username tried is not recorded when no such account exists: it may be a password.
    audit_record(actor=None, action="sign_in_failed", detail={"user": user.pk if user else None})


def on_membership_saved(sender: Any, instance: Membership, **kwargs: Any) -> None:
    User.objects.filter(pk=instance.user_id).update(privilege_version=F("privilege_version") + 1)


def on_membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    User.objects.filter(pk=instance.user_id).update(privilege_version=F("privilege_version") + 1)
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None and not user.memberships.exists() and not user.is_superuser:
        access_end(user=user, reason="left_desks")


def on_passkey_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        audit_record(
            actor=instance.user, action="second_factor", detail={"change": "passkey_added"}
        )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-logged-in")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts-logged-out")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts-login-failed")
    user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts-locked-out")
    post_save.connect(on_passkey_saved, sender=WebAuthnCredential, dispatch_uid="accounts-passkey")
    post_save.connect(on_membership_saved, sender=Membership, dispatch_uid="accounts-rights")
    post_delete.connect(on_membership_deleted, sender=Membership, dispatch_uid="accounts-left")
