from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Desk, DeskClosure, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["desk"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_active", "is_staff"]


class DeskClosureInline(admin.TabularInline):
    model = DeskClosure
    extra = 0


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    inlines = [DeskClosureInline]
    list_display = ["name", "slug", "kind", "prefecture", "municipality", "date_style"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name", "slug", "municipality"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "desk", "role"]
    list_filter = ["role", "desk"]
    autocomplete_fields = ["user", "desk"]
