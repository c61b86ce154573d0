"""Admin for referrals, follow-ups, deletion requests and designated platforms."""

from django.contrib import admin

from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral


@admin.register(DesignatedPlatform)
class DesignatedPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "decision_days", "designated_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fk_name = "referral"
    extra = 0
    fields = ("kind", "due_on", "result", "done_at", "done_by")
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
