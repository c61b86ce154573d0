import datetime
import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from catalogue.feeds import pending_change_decide, subscription_sync
from catalogue.hsds.importer import FeedError
from catalogue.models import (
    EvidenceItem,
    LinkCheckRun,
    Organization,
    PendingChange,
    Phone,
    Schedule,
    Service,
    Subscription,
)
from catalogue.review import review_flags
from catalogue.vocabulary import Action, Category, Channel

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class CodeListField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class LanguagesField(forms.CharField):
    """Language codes typed as one line: ``ja, en``."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        codes = [code for code in re.split(r"[\s,、]+", value or "") if code]
        bad = [code for code in codes if not LANGUAGE_CODE.match(code)]
        if bad:
            raise ValidationError(
                _("言語コード（ja, en など）で入力してください: %(codes)s"),
                params={"codes": ", ".join(bad)},
            )
        return list(dict.fromkeys(codes))


class ServiceForm(forms.ModelForm):
    actions = CodeListField(label=_("対応"), choices=Action.choices, required=False)
    channels = CodeListField(label=_("相談方法"), choices=Channel.choices, required=False)
    categories = CodeListField(
        label=_("扱う内容"),
        choices=Category.choices,
        required=False,
        help_text=_("空のときはあらゆる内容を扱います。"),
    )
    languages = LanguagesField(
        label=_("対応言語"),
        required=False,
        help_text=_("言語コードをカンマ区切りで（例: ja, en）。"),
    )

    class Meta:
        model = Service
        fields = ["actions", "channels", "categories", "languages"]


class PhoneInline(admin.StackedInline):
    """Stacked, so each number's fields carry their own labels (a table's columns do not)."""

    model = Phone
    extra = 0


class ScheduleForm(forms.ModelForm):
    weekdays = CodeListField(label=_("曜日"), choices=Schedule.Weekday.choices)

    class Meta:
        model = Schedule
        fields = [
            "weekdays",
            "opens_at",
            "closes_at",
            "closed_on_holidays",
            "closed_year_end",
            "note",
        ]


class ScheduleInline(admin.StackedInline):
    model = Schedule
    form = ScheduleForm
    extra = 0


class ReviewFilter(admin.SimpleListFilter):
    """Windows whose facts have gone unverified for longer than the review period."""

    title = _("確認状況")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("要確認")), ("fresh", _("確認済み"))]

    def queryset(self, request, queryset):
        limit = timezone.localdate() - datetime.timedelta(days=settings.CATALOGUE_REVIEW_AFTER_DAYS)
        if self.value() == "due":
            return queryset.filter(last_verified__lt=limit)
        if self.value() == "fresh":
            return queryset.filter(last_verified__gte=limit)
        return queryset


class FlagFilter(admin.SimpleListFilter):
    """Windows flagged for review for a reason found outside the catalogue (catalogue.review)."""

    title = _("見直しの理由")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [(flag.code, flag.label) for flag in review_flags()]

    def queryset(self, request, queryset):
        for flag in review_flags():
            if self.value() == flag.code:
                return queryset.filter(id__in=flag.finder())
        return queryset


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "url"]
    search_fields = ["name", "name_en", "slug"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    form = ServiceForm
    inlines = [PhoneInline, ScheduleInline]
    list_display = [
        "name",
        "slug",
        "organization",
        "scope",
        "is_active",
        "last_verified",
        "age",
        "review",
        "link_status",
    ]
    list_filter = [
        ReviewFilter,
        FlagFilter,
        "link_status",
        "is_active",
        "scope",
        "audience",
        "organization",
    ]
    readonly_fields = ["uuid", "recent_changes", "link_status", "link_detail", "link_checked_at"]
    search_fields = ["name", "name_en", "slug", "description"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["slug", "uuid", "name", "name_en", "organization", "is_active"]}),
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
                    "languages",
                    "eligibility",
                    "counsellor_notes",
                ]
            },
        ),
        (_("連絡先"), {"fields": ["url", "hours"]}),
        (_("範囲"), {"fields": ["scope", "prefecture", "municipality", "desk"]}),
        (_("フォローアップ"), {"fields": ["follow_up_days"]}),
        (
            _("確認"),
            {
                "fields": [
                    "last_verified",
                    "source_url",
                    "link_status",
                    "link_detail",
                    "link_checked_at",
                ]
            },
        ),
        (_("変更履歴"), {"fields": ["recent_changes"]}),
    ]

    @admin.display(description=_("確認からの日数"), ordering="-last_verified")
    def age(self, service):
        return (timezone.localdate() - service.last_verified).days

    @admin.display(description=_("最近の変更"))
    def recent_changes(self, service):
        """List who changed what and when, the window's phones and hours included."""
        if service.pk is None:
            return "—"
        records = [
            *service.history.select_related("history_user")[:20],
            *Phone.history.filter(service_id=service.pk).select_related("history_user")[:20],
            *Schedule.history.filter(service_id=service.pk).select_related("history_user")[:20],
        ]
        records.sort(key=lambda record: record.history_date, reverse=True)
        rows = []
        for record in records[:20]:
            previous = record.prev_record
            if record.history_type == "~" and previous is not None:
                delta = record.diff_against(previous)
                what = ", ".join(
                    str(record.instance._meta.get_field(change.field).verbose_name)
                    for change in delta.changes
                )
            else:
                what = str(record.instance._meta.verbose_name)
            rows.append(
                (
                    timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
                    record.history_user or _("（システム）"),
                    record.get_history_type_display(),
                    what or "—",
                )
            )
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th><th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("日時"),
            _("変更した人"),
            _("種類"),
            _("変更した項目"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(boolean=True, description=_("確認が新しい"))
    def review(self, service):
        return not service.needs_review


@admin.register(LinkCheckRun)
class LinkCheckRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "checked", "failed", "offline", "message"]
    list_filter = ["offline"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["desk", "url", "is_active", "last_synced_at", "last_result", "pending"]
    list_filter = ["last_result", "is_active"]
    readonly_fields = ["last_synced_at", "last_result", "last_message"]
    autocomplete_fields = ["desk"]
    actions = ["sync_now"]

    @admin.display(description=_("確認待ち"))
    def pending(self, subscription):
        return subscription.changes.filter(status=PendingChange.Status.PENDING).count()

    @admin.action(description=_("今すぐ同期する"))
    def sync_now(self, request, queryset):
        for subscription in queryset:
            subscription_sync(subscription=subscription)
        self.message_user(request, _("同期しました。結果は一覧で確認できます。"))


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "summary", "subscription", "status", "detected_at"]
    list_filter = ["status", "kind", "subscription__desk"]
    readonly_fields = [
        "subscription",
        "service_uuid",
        "name",
        "kind",
        "summary",
        "document",
        "status",
        "detected_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        for change in queryset.filter(status=PendingChange.Status.PENDING):
            try:
                pending_change_decide(change=change, user=request.user, approve=approve)
            except FeedError as error:
                self.message_user(request, str(error), level="error")

    @admin.action(description=_("承認してカタログに反映する"))
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("反映せずに見送る"))
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    """The evidence-preservation checklist printed on the slip, in Japanese and English."""

    list_display = ["text", "applies", "position", "is_active"]
    list_filter = ["applies", "is_active"]
    search_fields = ["text", "text_en"]
