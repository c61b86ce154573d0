from django.contrib import admin
from django.http import HttpRequest

from audit.models import AccessAlert, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "case_reference", "desk_id", "via", "ip"]
    list_filter = ["action", "via"]
    search_fields = ["case_reference", "actor__username"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "action",
        "case_reference",
        "desk_id",
        "detail",
        "ip",
        "via",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(AccessAlert)
class AccessAlertAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "kind", "desk_id", "case_count", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = [
        "user",
        "kind",
        "desk_id",
        "started_at",
        "case_count",
        "references",
        "claimed_at",
        "sent_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessAlert | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessAlert | None = None) -> bool:
        return False
