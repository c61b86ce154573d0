import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalogue.seed import IDENTIFIER_NAMESPACE
from catalogue.vocabulary import Action, Audience, Category, Channel, code_list_validator


def stable_uuid(kind: str, slug: str) -> uuid.UUID:
    """Return the identifier every installation gives the seed entry ``slug`` of ``kind``."""
    return uuid.uuid5(IDENTIFIER_NAMESPACE, f"{kind}:{slug}")


class Organization(models.Model):
    """Who runs one or more windows (a ministry, an association, a bar association)."""

    slug = models.SlugField(_("識別子"), max_length=60, unique=True)
    uuid = models.UUIDField(_("HSDS識別子"), unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("名称（英語）"), max_length=160, blank=True)
    url = models.URLField(_("Webサイト"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("運営団体")
        verbose_name_plural = _("運営団体")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.uuid is None:
            self.uuid = uuid.uuid4()
        super().save(*args, **kwargs)


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("未確認")
    OK = "ok", _("正常")
    REDIRECTED = "redirected", _("転送あり")
    BROKEN = "broken", _("エラー")
    DOWN = "down", _("応答なし")


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
    uuid = models.UUIDField(_("HSDS識別子"), unique=True, editable=False)
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
    languages = models.JSONField(
        _("対応言語"),
        default=list,
        blank=True,
        help_text=_("言語コードの一覧（例: ja, en）。"),
    )
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
    link_status = models.CharField(
        _("リンクの状態"), max_length=12, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_detail = models.CharField(_("リンク確認の結果"), max_length=300, blank=True)
    link_checked_at = models.DateTimeField(_("リンクの確認日時"), null=True, blank=True)

    objects = ServiceQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["updated_at", "link_status", "link_detail", "link_checked_at"]
    )

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

    def save(self, *args, **kwargs):
        if self.uuid is None:
            national = self.scope == self.Scope.NATIONAL
            self.uuid = stable_uuid("service", self.slug) if national else uuid.uuid4()
        super().save(*args, **kwargs)

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

    history = HistoricalRecords()

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


class Schedule(models.Model):
    """When a window answers: weekly opening hours, with the days it closes as exceptions."""

    class Weekday(models.TextChoices):
        MO = "MO", pgettext_lazy("weekday", "月")
        TU = "TU", pgettext_lazy("weekday", "火")
        WE = "WE", pgettext_lazy("weekday", "水")
        TH = "TH", pgettext_lazy("weekday", "木")
        FR = "FR", pgettext_lazy("weekday", "金")
        SA = "SA", pgettext_lazy("weekday", "土")
        SU = "SU", pgettext_lazy("weekday", "日")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("窓口")
    )
    uuid = models.UUIDField(_("HSDS識別子"), unique=True, default=uuid.uuid4, editable=False)
    weekdays = models.JSONField(
        _("曜日"),
        default=list,
        validators=[code_list_validator(Weekday)],
        help_text=_("MO, TU, WE, TH, FR, SA, SU の一覧。"),
    )
    opens_at = models.TimeField(pgettext_lazy("opening hours", "開始"))
    closes_at = models.TimeField(pgettext_lazy("opening hours", "終了"))
    closed_on_holidays = models.BooleanField(_("祝日は休み"), default=False)
    closed_year_end = models.BooleanField(_("年末年始（12月29日〜1月3日）は休み"), default=False)
    note = models.CharField(_("メモ"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("受付時間")
        verbose_name_plural = _("受付時間")

    def __str__(self):
        return self.describe()

    def describe(self) -> str:
        """Say the hours in one Japanese line, exceptions included."""
        labels = dict(self.Weekday.choices)
        days = "・".join(str(labels[day]) for day in self.weekdays if day in labels)
        text = f"{days} {self.opens_at:%H:%M}〜{self.closes_at:%H:%M}"
        return f"{text}（{self.exceptions()}）" if self.exceptions() else text

    def exceptions(self) -> str:
        parts = []
        if self.closed_on_holidays:
            parts.append(str(HOLIDAYS_CLOSED))
        if self.closed_year_end:
            parts.append(str(YEAR_END_CLOSED))
        return "、".join(parts)


# Fixed phrases: the HSDS export writes them into a schedule's notes and the import reads them back.
HOLIDAYS_CLOSED = "祝日を除く"
YEAR_END_CLOSED = "年末年始（12月29日〜1月3日）を除く"


class LinkCheckRun(models.Model):
    """One weekly check of every window's web site, with what it found as a whole."""

    started_at = models.DateTimeField(_("開始日時"))
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("確認した数"), default=0)
    failed = models.PositiveIntegerField(_("問題があった数"), default=0)
    offline = models.BooleanField(
        _("外部に接続できなかった"),
        default=False,
        help_text=_("このサーバーからどのサイトにも接続できず、窓口の状態は変更していません。"),
    )
    message = models.CharField(_("結果"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("リンク確認")
        verbose_name_plural = _("リンク確認")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.message}"


class Subscription(models.Model):
    """A desk's subscription to another Tsunagu's (or any) HSDS feed."""

    class Result(models.TextChoices):
        NEVER = "never", _("未同期")
        OK = "ok", _("成功")
        FAILED = "failed", _("失敗")

    desk = models.ForeignKey(
        "accounts.Desk",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("取り込むデスク"),
    )
    url = models.URLField(
        _("フィードのURL"),
        help_text=_(
            "hsds export で書き出したフォルダを公開したURL、または HSDS API のURL（/services の一つ上）。"
        ),
    )
    is_active = models.BooleanField(_("同期する"), default=True)
    last_synced_at = models.DateTimeField(_("最後の同期"), null=True, blank=True)
    last_result = models.CharField(
        _("最後の同期の結果"), max_length=10, choices=Result.choices, default=Result.NEVER
    )
    last_message = models.TextField(_("最後の同期の詳細"), blank=True)

    class Meta:
        ordering = ["desk", "url"]
        verbose_name = _("フィードの購読")
        verbose_name_plural = _("フィードの購読")
        constraints = [
            models.UniqueConstraint(fields=["desk", "url"], name="one_subscription_per_feed"),
        ]

    def __str__(self):
        return f"{self.desk} ← {self.url}"


class PendingChange(models.Model):
    """A window a subscribed feed adds or changes, waiting for an admin before it goes live."""

    class Kind(models.TextChoices):
        CREATED = "created", _("新規")
        UPDATED = "updated", _("変更")

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPROVED = "approved", _("反映済み")
        REJECTED = "rejected", _("見送り")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="changes", verbose_name=_("購読")
    )
    service_uuid = models.UUIDField(_("窓口のHSDS識別子"))
    name = models.CharField(_("窓口の名称"), max_length=160)
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    summary = models.TextField(_("変わる項目"), blank=True)
    document = models.JSONField(_("HSDSの内容"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    detected_at = models.DateTimeField(_("検出日時"), auto_now_add=True)
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("判断した人"),
    )

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("フィードからの変更")
        verbose_name_plural = _("フィードからの変更")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "service_uuid"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_window",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class ReviewDigest(models.Model):
    """One monthly mail to one admin listing the windows due for review; the row claims it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_digests",
        verbose_name=_("宛先"),
    )
    period = models.DateField(_("対象の月（1日）"))
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    item_count = models.PositiveIntegerField(_("件数"), default=0)
    claimed_at = models.DateTimeField(_("送信を始めた日時"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "user"]
        verbose_name = _("確認依頼メール")
        verbose_name_plural = _("確認依頼メール")
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_review_digest_a_month"),
        ]

    def __str__(self):
        return f"{self.user} {self.period:%Y-%m}"


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
