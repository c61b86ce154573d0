"""Admin for referrals, follow-ups, designated platforms and the reminder mails sent or failed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from referrals.models import DeletionRequest, DesignatedPlatform, Digest, FollowUp, Referral


@admin.register(DesignatedPlatform)
class DesignatedPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "decision_days", "designated_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fk_name = "referral"
    extra = 0
    fields = ["kind", "due_on", "result", "done_at", "done_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["case", "service_name", "method", "status", "outcome", "created_at"]
    list_filter = ["status", "outcome", "method"]
    search_fields = ["case__reference", "service_name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["case", "referred_by"]
    autocomplete_fields = ["service"]
    readonly_fields = ["service_name", "service_phone", "service_url", "created_at", "updated_at"]
    inlines = [FollowUpInline]


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "platform", "sent_by", "sent_on"]
    list_filter = ["platform", "sent_by"]
    search_fields = ["case__reference"]
    raw_id_fields = ["case", "referral", "recorded_by"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "due_on", "result", "done_at"]
    list_filter = ["kind", "result", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["case__reference"]
    date_hierarchy = "due_on"
    raw_id_fields = ["case", "referral", "deletion_request", "previous", "done_by"]


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
