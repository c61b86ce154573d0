from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from deadlines.models import ClockKind


@admin.register(ClockKind)
class ClockKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "length", "unit", "warn_working_days", "law", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["code", "name", "name_en", "law"]
    filter_horizontal = ["steps"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "is_active", "order"]}),
        (
            _("期間"),
            {"fields": ["length", "unit", "starts_from", "starts_from_en", "warn_working_days"]},
        ),
        (_("根拠"), {"fields": ["law", "source_url"]}),
        (_("すること"), {"fields": ["action", "action_en", "steps"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The codes are the product's contract (domain.md): an existing kind keeps its code.
        return ["code"] if obj is not None else []
