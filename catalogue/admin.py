from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalogue.models import EvidenceItem, Organization, Phone, Service
from catalogue.vocabulary import Action, Category, Channel


class CodeListField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ServiceForm(forms.ModelForm):
    actions = CodeListField(label=_("対応"), choices=Action.choices, required=False)
    channels = CodeListField(label=_("相談方法"), choices=Channel.choices, required=False)
    categories = CodeListField(
        label=_("扱う内容"),
        choices=Category.choices,
        required=False,
        help_text=_("空のときはあらゆる内容を扱います。"),
    )

    class Meta:
        model = Service
        fields = ["actions", "channels", "categories"]


class PhoneInline(admin.StackedInline):
    """Stacked, so each number's fields carry their own labels (a table's columns do not)."""

    model = Phone
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "url"]
    search_fields = ["name", "name_en", "slug"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    inlines = [PhoneInline]
    list_display = ["name", "slug", "organization", "scope", "is_active", "last_verified", "review"]
    list_filter = ["is_active", "scope", "audience", "organization"]
    search_fields = ["name", "name_en", "slug", "description"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "name_en", "organization", "is_active"]}),
        (
            _("内容"),
            {
                "fields": [
                    "description",
                    "description_en",
                    "actions",
                    "channels",
                    "categories",
                    "audience",
                    "eligibility",
                    "counsellor_notes",
                ]
            },
        ),
        (_("連絡先"), {"fields": ["url", "hours"]}),
        (_("範囲"), {"fields": ["scope", "prefecture", "municipality", "desk"]}),
        (_("フォローアップ"), {"fields": ["follow_up_days"]}),
        (_("確認"), {"fields": ["last_verified", "source_url"]}),
    ]

    @admin.display(boolean=True, description=_("確認が新しい"))
    def review(self, service):
        return not service.needs_review


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    """The evidence-preservation checklist printed on the slip, in Japanese and English."""

    list_display = ["text", "applies", "position", "is_active"]
    list_filter = ["applies", "is_active"]
    search_fields = ["text", "text_en"]
