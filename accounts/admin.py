from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk, Membership, User

admin.site.site_header = _("つなぐ 管理")
admin.site.site_title = _("つなぐ 管理")
admin.site.index_title = _("管理メニュー")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["desk"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_active", "is_staff"]


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "prefecture", "municipality", "phone"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name", "slug", "municipality"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "desk", "role"]
    list_filter = ["role", "desk"]
    autocomplete_fields = ["user", "desk"]
