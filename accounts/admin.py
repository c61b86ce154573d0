from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.lockout import lockout_clear
from accounts.models import ApiToken, Desk, DeskClosure, Membership, User
from accounts.services import second_factor_reset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["desk"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_active", "is_staff"]
    actions = ["reset_second_factor", "unlock"]

    @admin.action(description=_("二要素認証をリセットする（端末をなくしたとき）"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(actor=request.user, user=user)
        self.message_user(
            request,
            _("%(count)s 人の二要素認証をリセットし、本人にメールで知らせました。")
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("サインインのロックを解除する"))
    def unlock(self, request, queryset):
        for user in queryset:
            axes_reset(username=user.username)
            lockout_clear(user=user)
        self.message_user(request, _("ロックを解除しました。"), messages.SUCCESS)


class DeskClosureInline(admin.TabularInline):
    model = DeskClosure
    extra = 0


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    inlines = [DeskClosureInline]
    list_display = [
        "name",
        "slug",
        "kind",
        "prefecture",
        "municipality",
        "require_second_factor",
        "closing_needs_approval",
        "phone",
        "date_style",
    ]
    list_filter = ["kind", "prefecture", "require_second_factor", "closing_needs_approval"]
    search_fields = ["name", "slug", "municipality"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "desk", "role"]
    list_filter = ["role", "desk"]
    autocomplete_fields = ["user", "desk"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "prefix", "scope", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        # A key is shown once to whoever creates it: admins create none for others here.
        return False
