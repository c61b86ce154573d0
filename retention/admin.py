from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retention.exports import desk_export
from retention.models import DeskData, KeptMonth, LegalHold, RetentionPolicy, ShreddedText


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["desk", "text_days", "case_years", "bullying_text_years"]
    autocomplete_fields = ["desk"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["case", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]
    list_filter = ["reason"]


@admin.register(ShreddedText)
class ShreddedTextAdmin(ReadOnlyAdmin):
    list_display = ["case", "shredded_at", "notes"]


@admin.register(KeptMonth)
class KeptMonthAdmin(ReadOnlyAdmin):
    list_display = ["desk", "month", "sealed_at"]


def _export(fmt: str):
    def action(modeladmin, request, queryset):
        if queryset.count() != 1:
            modeladmin.message_user(
                request, _("書き出すデスクを1つだけ選んでください。"), messages.ERROR
            )
            return None
        body, name, content_type = desk_export(by=request.user, desk=queryset.get(), fmt=fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    action.__name__ = f"export_{fmt}"
    return action


@admin.register(DeskData)
class DeskDataAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "kind"]
    actions = [
        admin.action(description=gettext_lazy("相談記録を CSV（zip）で書き出す"))(_export("csv")),
        admin.action(description=gettext_lazy("相談記録を JSON で書き出す"))(_export("json")),
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or super().has_view_permission(request, obj)
