from django.contrib import admin

from transfers.models import CaseTransfer


@admin.register(CaseTransfer)
class CaseTransferAdmin(admin.ModelAdmin):
    """Transfers are made on the case pages and the API; here they are only read."""

    list_display = ["reference", "from_desk", "to_desk", "status", "consent", "offered_at"]
    list_filter = ["status", "from_desk", "to_desk"]
    search_fields = ["reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
