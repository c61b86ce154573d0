from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    # Passkey ceremonies (django-otp-webauthn), reachable before the second factor is given.
    path(
        "account/second-factor/passkey/",
        include("django_otp_webauthn.urls", namespace="otp_webauthn"),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("catalogue/", include("catalogue.urls")),
    path("triage/", include("triage.urls")),
    # The slip moved beside the cases it may name; old links and bookmarks still find it.
    path("triage/slip/", RedirectView.as_view(pattern_name="cases:slip", query_string=True)),
    path("cases/", include("cases.urls")),
    path("follow-ups/", include("referrals.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("transfers/", include("transfers.urls")),
    path("stats/", include("stats.urls")),
    path("retention/", include("retention.urls")),
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.server_error"
