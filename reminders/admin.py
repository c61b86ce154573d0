"""Admin for the weekly reminder mails, sent or failed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from reminders.models import Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Every weekly reminder: sent, skipped, waiting or failed, with the last SMTP error."""

    list_display = [
        "user",
        "period",
        "status",
        "scheduled_for",
        "sent_at",
        "attempts",
        "item_count",
        "escalated_count",
        "last_error",
    ]
    list_filter = ["status", "period"]
    search_fields = ["user__username", "user__email", "message_id"]
    date_hierarchy = "period"
    actions = ["send_again"]
    readonly_fields = [
        "user",
        "period",
        "scheduled_for",
        "status",
        "message_id",
        "attempts",
        "item_count",
        "escalated_count",
        "last_error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("送信できなかったリマインダーを再送する"))
    def send_again(self, request, queryset):
        count = queryset.filter(status=Digest.Status.FAILED).update(
            status=Digest.Status.PENDING, attempts=0, lease_until=None, lease_token=""
        )
        self.message_user(
            request,
            _("%(count)d件を送信待ちに戻しました。次の定期処理で送信します。") % {"count": count},
            messages.SUCCESS,
        )
