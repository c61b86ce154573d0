import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalogue.vocabulary import Action, Audience, Category, Channel, code_list_validator


class Organization(models.Model):
    """Who runs one or more windows (a ministry, an association, a bar association)."""

    slug = models.SlugField(_("識別子"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("名称（英語）"), max_length=160, blank=True)
    url = models.URLField(_("Webサイト"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("運営団体")
        verbose_name_plural = _("運営団体")

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Service(models.Model):
    """A consultation or reporting window that a desk can send a person to."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("全国")
        PREFECTURE = "prefecture", _("都道府県")
        MUNICIPALITY = "municipality", _("市区町村")
        DESK = "desk", _("デスク独自の窓口")

    slug = models.SlugField(_("識別子"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=160)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("運営団体"),
    )
    description = models.TextField(_("できること"))
    description_en = models.TextField(_("できること（英語）"), blank=True)
    actions = models.JSONField(
        _("対応"), default=list, blank=True, validators=[code_list_validator(Action)]
    )
    channels = models.JSONField(
        _("相談方法"), default=list, blank=True, validators=[code_list_validator(Channel)]
    )
    categories = models.JSONField(
        _("扱う内容"),
        default=list,
        blank=True,
        validators=[code_list_validator(Category)],
        help_text=_("空のときはあらゆる内容を扱います。"),
    )
    audience = models.CharField(
        _("対象"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    url = models.URLField(_("Webサイト"), blank=True)
    hours = models.CharField(_("受付時間"), max_length=200, blank=True)
    eligibility = models.TextField(_("利用条件"), blank=True)
    counsellor_notes = models.TextField(
        _("相談員向けメモ"),
        blank=True,
        help_text=_("案内の際に相談員が知っておくべきこと（受け付けない相談など）。"),
    )
    scope = models.CharField(
        _("範囲"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL
    )
    prefecture = models.CharField(_("都道府県"), max_length=20, blank=True)
    municipality = models.CharField(_("市区町村"), max_length=60, blank=True)
    desk = models.ForeignKey(
        "accounts.Desk",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_services",
        verbose_name=_("デスク"),
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("フォローアップまでの日数"),
        default=14,
        help_text=_("この窓口へ案内した後、相談者に確認するまでの標準の日数。"),
    )
    is_active = models.BooleanField(_("案内中"), default=True)
    last_verified = models.DateField(_("最終確認日"))
    source_url = models.URLField(_("確認した情報源"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("窓口")
        verbose_name_plural = _("窓口")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="desk") | models.Q(desk__isnull=False),
                name="desk_scope_names_a_desk",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:detail", args=[self.slug])

    def clean(self):
        if self.scope == self.Scope.DESK and self.desk_id is None:
            raise ValidationError({"desk": _("デスク独自の窓口にはデスクを指定してください。")})
        if self.scope == self.Scope.PREFECTURE and not self.prefecture:
            raise ValidationError({"prefecture": _("都道府県を指定してください。")})
        if self.scope == self.Scope.MUNICIPALITY and not self.municipality:
            raise ValidationError({"municipality": _("市区町村を指定してください。")})

    @property
    def needs_review(self) -> bool:
        """Whether the entry has gone unverified for longer than the review period."""
        limit = datetime.timedelta(days=settings.CATALOGUE_REVIEW_AFTER_DAYS)
        return timezone.localdate() - self.last_verified > limit

    @property
    def takes_children(self) -> bool:
        return self.audience == Audience.CHILDREN

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description

    def action_labels(self) -> list[str | Promise]:
        return [Action(code).label for code in self.actions if code in Action.values]

    def channel_labels(self) -> list[str | Promise]:
        return [Channel(code).label for code in self.channels if code in Channel.values]


class Phone(models.Model):
    """A number to reach a window on, with when it answers."""

    class Kind(models.TextChoices):
        MAIN = "main", _("代表")
        FREE = "free", _("フリーダイヤル")
        NAVI = "navi", _("ナビダイヤル")
        SHORT = "short", _("短縮番号")
        EMERGENCY = "emergency", _("緊急通報")
        IP = "ip", _("IP電話から")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="phones", verbose_name=_("窓口")
    )
    number = models.CharField(_("番号"), max_length=30)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices, default=Kind.MAIN)
    hours = models.CharField(_("受付時間"), max_length=120, blank=True)
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("電話番号")
        verbose_name_plural = _("電話番号")

    def __str__(self):
        return self.number

    @property
    def tel_uri(self) -> str:
        """Return the number as a dialable link; a bare ``#`` would end the URI as a fragment."""
        dialled = "".join(ch for ch in self.number if ch.isdigit() or ch in "#+*")
        return "tel:" + dialled.replace("#", "%23")


class EvidenceItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class EvidenceItem(models.Model):
    """One line of the evidence-preservation checklist printed on the slip."""

    class Applies(models.TextChoices):
        ALWAYS = "always", _("ネット上の被害のすべて（児童ポルノを除く）")
        DELETION = "deletion", _("削除を求めるとき")
        DISCLOSURE = "disclosure", _("投稿者の特定・損害賠償を求めるとき")
        CSAM = "csam", _("子どもの性的な画像（児童ポルノ）")

    applies = models.CharField(_("対象"), max_length=20, choices=Applies.choices)
    text = models.CharField(_("文言"), max_length=300)
    text_en = models.CharField(_("文言（英語）"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    objects = EvidenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("証拠保全のチェック項目")
        verbose_name_plural = _("証拠保全のチェック項目")

    def __str__(self):
        return self.text

    def clean(self):
        words = (self.text + " " + self.text_en).lower()
        if self.applies == self.Applies.CSAM and (
            "スクリーンショット" in words or "screenshot" in words
        ):
            raise ValidationError(
                {
                    "text": _(
                        "児童ポルノの項目で画像の保存（スクリーンショット）を勧めることはできません。"
                    )
                }
            )

    @property
    def display_text(self) -> str:
        if get_language() == "en" and self.text_en:
            return self.text_en
        return self.text
