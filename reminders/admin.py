"""Admin for the weekly reminder mails, sent or failed."""

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from reminders.models import Digest
from reminders.services import unsent_digests


class UnsentFilter(admin.SimpleListFilter):
    """Digests still unsent an hour after their time: the relay has been down a while."""

    title = _("送信の遅れ")
    parameter_name = "unsent"

    def lookups(self, request, model_admin):
        return [("hour", _("1時間以上送信されていない"))]

    def queryset(self, request, queryset):
        if self.value() == "hour":
            return queryset.filter(id__in=unsent_digests().values("id"))
        return queryset


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
    list_filter = [UnsentFilter, "status", "period"]
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

    def changelist_view(self, request, extra_context=None):
        unsent = unsent_digests()
        count = unsent.count()
        if count:
            oldest = unsent.values_list("scheduled_for", flat=True).first()
            self.message_user(
                request,
                _(
                    "%(count)d件のリマインダーが、予定時刻から1時間以上たっても送信されていません"
                    "（最も古いもの: %(oldest)s）。メールサーバーが復旧すれば自動で送信されます。"
                )
                % {"count": count, "oldest": date_format(localtime(oldest), "DATETIME_FORMAT")},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

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
