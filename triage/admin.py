from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from catalogue.vocabulary import Category, Flag, Situation, Wish
from triage.engine import suggest
from triage.forms import TriageForm
from triage.models import SAFETY_LOCKED_FIELDS, SuggestionRule
from triage.services import rule_delete, rule_save, rules_delete


class RuleForm(forms.ModelForm):
    situations = forms.MultipleChoiceField(
        label=_("相談の状況"),
        choices=Situation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wishes = forms.MultipleChoiceField(
        label=_("希望"), choices=Wish.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("内容"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("フラグ"), choices=Flag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SuggestionRule
        fields = ["situations", "wishes", "categories", "flags"]


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["name", "service", "desk_local", "weight", "urgency", "is_safety", "is_active"]
    list_filter = ["is_active", "is_safety", "urgency"]
    search_fields = ["name", "reason", "service__name"]
    autocomplete_fields = ["service"]
    change_list_template = "admin/triage/suggestionrule/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (
            _("条件"),
            {
                "fields": [
                    "situations",
                    "wishes",
                    "or_no_wish",
                    "categories",
                    "category_mode",
                    "or_no_category",
                    "flags",
                    "desk_kind",
                ]
            },
        ),
        (
            _("案内"),
            {"fields": ["service", "desk_local", "weight", "urgency", "reason", "reason_en"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_safety:
            return [f.removesuffix("_id") for f in SAFETY_LOCKED_FIELDS]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_safety:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        rule_save(rule=obj)

    def delete_model(self, request, obj):
        rule_delete(rule=obj)

    def delete_queryset(self, request, queryset):
        try:
            rules_delete(rules=queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def get_urls(self):
        return [
            path(
                "try/",
                self.admin_site.admin_view(self.try_view),
                name="triage_suggestionrule_try",
            ),
            *super().get_urls(),
        ]

    def try_view(self, request):
        """Show the suggestions an intake would get under the current rules."""
        form = TriageForm(request.GET or None)
        desks = Desk.objects.order_by("kind", "name")
        desk = desks.filter(slug=request.GET.get("desk") or None).first()
        result = suggest(form.to_intake(desk=desk)) if form.is_valid() else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("ルールを試す"),
            "form": form,
            "result": result,
            "desks": desks,
            "desk": desk,
        }
        return TemplateResponse(request, "admin/triage/suggestionrule/try.html", context)
