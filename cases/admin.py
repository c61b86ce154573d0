from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from cases import services
from cases.guard import guard_free_text
from cases.models import Case, ClosingRequest, Note


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = list(services.EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        if self.instance.is_closed:
            raise ValidationError(_("終了した相談は変更できません。先に相談を再開してください。"))
        try:
            guard_free_text(summary=data.get("summary") or "")
        except ValidationError as error:
            self.add_error("summary", error.message_dict["summary"])
        return data


class NoteInline(admin.TabularInline):
    model = Note
    fields = ("created_at", "kind", "body", "closure_reason", "assignee", "author")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are opened on the intake page; here an administrator may correct codes and summary."""

    form = CaseAdminForm
    list_display = ["reference", "desk", "situation", "status", "assigned_to", "created_at"]
    list_filter = ["status", "desk", "situation"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "desk",
        "status",
        "closure_reason",
        "opened_by",
        "assigned_to",
        "created_at",
        "updated_at",
        "closed_at",
    ]
    inlines = [NoteInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            case = self.get_object(request, object_id)
            if case is not None:
                audit_record(actor=request.user, action=AuditEntry.Action.VIEW, case=case)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        original = Case.objects.get(pk=obj.pk)
        # The service writes and audits; the admin must not save the form's instance itself.
        services.case_update(case=original, by=request.user, **fields)


@admin.register(ClosingRequest)
class ClosingRequestAdmin(admin.ModelAdmin):
    """Requests are made and decided on the case page and the API; here they are only read."""

    list_display = ["case", "status", "closure_reason", "requested_by", "requested_at"]
    list_filter = ["status"]
    search_fields = ["case__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
