"""The admin site behind the product's own sign-in, lockout and second factor."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class TsunaguAdminSite(admin.AdminSite):
    site_header = _("つなぐ 管理サイト")
    site_title = _("つなぐ")
    index_title = _("管理")

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Sign in on the product's login page, where lockout and the second factor apply."""
        # Imported here: this module is loaded with the app registry, before any model.
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())

    def has_permission(self, request: HttpRequest) -> bool:
        from accounts.services import is_verified, second_factor_required

        user = request.user
        if not super().has_permission(request):
            return False
        return is_verified(user) or not second_factor_required(user)  # type: ignore[arg-type]


class AdminConfig(BaseAdminConfig):
    """Django's admin app, with the site above as ``admin.site``."""

    default_site = "accounts.admin_site.TsunaguAdminSite"
