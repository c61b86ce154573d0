"""The account pages: second factor, sessions and API tokens of the signed-in user."""

from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.forms import CodeForm, TokenForm
from accounts.models import ApiToken, User, UserSession
from accounts.services import (
    is_verified,
    recovery_codes_renew,
    second_factor_required,
    sessions_end,
    token_create,
    token_revoke,
    totp_confirm,
)
from accounts.sessions import rotate_session
from audit.services import audit_record

PENDING_TOTP = "accounts_pending_totp"
ROTATED_FOR = "accounts_rotated_for"


class AuthenticatedRequest(HttpRequest):
    """A request behind login_required: its user is a signed-in member of staff."""

    user: User


class PasswordChange(auth_views.PasswordChangeView):
    """Change the password: every API token is revoked and other sessions end."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return reverse("accounts:security")

    def form_valid(self, form: Any) -> HttpResponse:
        old = self.request.session.session_key
        response = super().form_valid(form)
        UserSession.objects.filter(session_key=old).update(
            session_key=self.request.session.session_key
        )
        audit_record(actor=self.request.user, action="password_change")
        messages.success(
            self.request, _("パスワードを変えました。APIトークンはすべて取り消しました。")
        )
        return response


def _verified(request: HttpRequest) -> None:
    """Once per second-factor sign-in: a new session id (a new privilege) and an audit entry."""
    device = request.session.get(DEVICE_ID_SESSION_KEY)
    if device is None or request.session.get(ROTATED_FOR) == device:
        return
    rotate_session(request)
    request.session[ROTATED_FOR] = device
    audit_record(
        actor=request.user, action="sign_in", detail={"step": "otp", "device": device.split("/")[0]}
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
def second_factor(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for the second factor: a code from the authenticator app or a recovery code.

    A passkey is checked by django-otp-webauthn's own views, which then send the browser
    back here, so that its sign-in, too, gets a new session id and an audit entry.
    """
    if is_verified(request.user):
        _verified(request)
        if not StaticToken.objects.filter(device__user=request.user).exists():
            # A passkey just registered (or the last recovery code just used): every second
            # factor comes with recovery codes, shown once.
            codes = recovery_codes_renew(user=request.user)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        return redirect(_next(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('accounts:totp-setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is None:
            audit_record(actor=request.user, action="sign_in_failed", detail={"step": "otp"})
            form.add_error("code", _("コードが正しくないか、期限が切れています。"))
        else:
            otp_login(request, device)
            _verified(request)
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("回復用コードを使いました。残りは %(left)s 個です。") % {"left": left},
                )
            return redirect(_next(request))
    context = {
        "form": form,
        "next": _next(request),
        "has_passkey": WebAuthnCredential.objects.filter(
            user=request.user, confirmed=True
        ).exists(),
    }
    return render(request, "accounts/second_factor.html", context)


@login_required
def totp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Add an authenticator app: show its secret as a QR code, confirm with its first code."""
    # Whoever has a second factor must prove it before adding or replacing one.
    if user_has_device(request.user) and not is_verified(request.user):
        raise PermissionDenied(_("先に今の認証アプリで確認してください。"))
    device = None
    pending = request.session.get(PENDING_TOTP)
    if pending is not None:
        device = TOTPDevice.objects.filter(pk=pending, user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
        request.session[PENDING_TOTP] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(user=request.user, device=device, token=form.cleaned_data["code"]):
            del request.session[PENDING_TOTP]
            otp_login(request, device)
            _verified(request)
            codes = recovery_codes_renew(user=request.user)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "code",
            _("コードが正しくありません。アプリに表示された最新のコードを入力してください。"),
        )
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "qr": qr, "secret": secret, "next": _next(request)},
    )


@login_required
@require_POST
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Replace the recovery codes; the old ones stop working."""
    if not is_verified(request.user):
        raise PermissionDenied(_("先に二要素認証を済ませてください。"))
    codes = recovery_codes_renew(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:security")},
    )


@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
    """The user's sessions, API tokens and second factor."""
    return _security_page(request, TokenForm())


def _security_page(
    request: AuthenticatedRequest, form: TokenForm, new_key: str = ""
) -> HttpResponse:
    context = {
        "sessions": UserSession.objects.filter(user=request.user),
        "current_session": request.session.session_key,
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "new_key": new_key,
        "has_totp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True).count(),
        "verified": is_verified(request.user),
        "required": second_factor_required(request.user),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def token_new(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _security_page(request, TokenForm(), new_key=key)
    return _security_page(request, form)


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("トークンを取り消しました。"))
    return redirect("accounts:security")


@login_required
@require_POST
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    """End every session of the user, this one included."""
    user = request.user
    ended = sessions_end(user=user)
    audit_record(actor=user, action="sign_out_all", detail={"sessions": ended})
    logout(request)
    messages.success(request, _("すべての端末からサインアウトしました。"))
    return redirect("login")
