from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.security, name="security"),
    path("password/", views.PasswordChange.as_view(), name="password"),
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/totp/", views.totp_setup, name="totp-setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("tokens/", views.token_new, name="token-new"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
]
