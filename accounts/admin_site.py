"""The admin site behind the product's own sign-in, lockout and second factor."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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

        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        if request.user.is_authenticated:
            # Signed in, but not an administrator (or the second factor is still to come,
            # which the middleware asks for first): sending them to sign in again would loop.
            raise PermissionDenied
        return redirect_to_login(target)

    def has_permission(self, request: HttpRequest) -> bool:
        from accounts.services import is_verified, second_factor_required

        user = request.user
        if not super().has_permission(request):
            return False
        return is_verified(user) or not second_factor_required(user)  # type: ignore[arg-type]


class AdminConfig(BaseAdminConfig):
    """Django's admin app, with the site above as ``admin.site``."""

    default_site = "accounts.admin_site.TsunaguAdminSite"
