from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from catalogue.vocabulary import (
    AgeBand,
    Category,
    Channel,
    Consulter,
    Flag,
    Platform,
    Situation,
    Wish,
    code_list_validator,
)

# Bounds the PII guard's work per request as well as the stored text.
FREE_TEXT_MAX_LENGTH = 4000
CODE_LISTS = {"wishes": Wish, "categories": Category, "flags": Flag, "platforms": Platform}


class CrisisPrompt(models.TextChoices):
    """The codes the crisis reader prompts while the counsellor types (cases.crisis)."""

    SUICIDAL = "suicidal", _("相談者自身に希死念慮がある")
    IMMINENT_DANGER = "imminent_danger", _("生命・身体に差し迫った危険")
    THREAT = "threat", _("脅迫・殺害予告・爆破予告")


class CaseCounter(models.Model):
    """The last reference number given at one desk in one year; locked while a case is opened."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "year"], name="one_case_counter_per_desk_year")
        ]

    def __str__(self):
        return f"{self.desk_id}/{self.year}: {self.last_number}"


class Case(models.Model):
    """An anonymised intake: what happened and what was wished, never who it happened to."""

    class Status(models.TextChoices):
        OPEN = "open", _("受付")
        REFERRED = "referred", _("案内済み")
        FOLLOWING_UP = "following_up", _("フォローアップ中")
        CLOSED = "closed", _("終了")

    class ClosureReason(models.TextChoices):
        RESOLVED = "resolved", _("解決")
        PARTLY_RESOLVED = "partly_resolved", _("一部解決")
        UNRESOLVED = "unresolved", _("未解決")
        LOST_CONTACT = "lost_contact", _("連絡が取れなくなった")
        WITHDRAWN = "withdrawn", _("相談者が取り下げた")

    # referred and following_up are reached only through referrals and follow-ups.
    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.REFERRED, Status.FOLLOWING_UP, Status.CLOSED},
        Status.REFERRED: {Status.FOLLOWING_UP, Status.CLOSED},
        Status.FOLLOWING_UP: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, related_name="cases", verbose_name=_("デスク")
    )
    reference = models.CharField(_("受付番号"), max_length=80, unique=True, editable=False)
    situation = models.CharField(_("相談の状況"), max_length=20, choices=Situation.choices)
    wishes = models.JSONField(
        _("相談者の希望"), default=list, blank=True, validators=[code_list_validator(Wish)]
    )
    categories = models.JSONField(
        _("内容"), default=list, blank=True, validators=[code_list_validator(Category)]
    )
    flags = models.JSONField(
        _("特に注意すること"), default=list, blank=True, validators=[code_list_validator(Flag)]
    )
    age_band = models.CharField(
        _("年代"), max_length=20, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    consulter = models.CharField(_("相談者"), max_length=20, choices=Consulter.choices, blank=True)
    channel = models.CharField(_("相談方法"), max_length=20, choices=Channel.choices, blank=True)
    platforms = models.JSONField(
        _("サービス・SNS"), default=list, blank=True, validators=[code_list_validator(Platform)]
    )
    summary = models.TextField(
        _("概要"),
        max_length=FREE_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "個人を特定できる情報（氏名・住所・電話番号・ID・URLなど）は書かないでください。"
        ),
    )
    # A prompt the counsellor declined is kept as its code, never the phrase that raised it.
    crisis_declined = models.JSONField(
        _("付けなかった緊急の候補"),
        default=list,
        blank=True,
        validators=[code_list_validator(CrisisPrompt)],
    )
    # A code, not a note: いじめ防止対策推進法 §28 makes the school treat the case as serious.
    serious_bullying = models.BooleanField(
        _("いじめ重大事態"),
        default=False,
        help_text=_("いじめ防止対策推進法第28条の重大事態として扱う相談。"),
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closure_reason = models.CharField(
        _("終了の理由"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("受付者"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("担当者"),
    )
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    # Not stored: the desk and categories last read or saved, kept by stats.rollups.
    _stats_seen: tuple[int, tuple[str, ...]]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["desk", "created_at"], name="case_desk_created")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(closure_reason="") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(closure_reason="") & Q(closed_at__isnull=True)),
                name="case_closure_reason_iff_closed",
            ),
        ]
        verbose_name = _("相談記録")
        verbose_name_plural = _("相談記録")

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.reference])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def labels(self, field: str) -> list[str | Promise]:
        """Return the Japanese labels of a code list field, in the vocabulary's order."""
        chosen = set(getattr(self, field))
        return [label for code, label in CODE_LISTS[field].choices if code in chosen]

    @property
    def wish_labels(self) -> list[str | Promise]:
        return self.labels("wishes")

    @property
    def category_labels(self) -> list[str | Promise]:
        return self.labels("categories")

    @property
    def flag_labels(self) -> list[str | Promise]:
        return self.labels("flags")

    @property
    def platform_labels(self) -> list[str | Promise]:
        return self.labels("platforms")


class Note(models.Model):
    """One entry of a case's timeline: a counsellor's note or a change of status or hands."""

    class Kind(models.TextChoices):
        NOTE = "note", _("メモ")
        CLOSED = "closed", _("終了")
        REOPENED = "reopened", _("再開")
        REASSIGNED = "reassigned", _("担当変更")
        CLOSING_REQUESTED = "closing_requested", _("終了の承認を依頼")
        CLOSING_RETURNED = "closing_returned", _("終了の差し戻し")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="notes", verbose_name=_("相談記録")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("内容"), max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    closure_reason = models.CharField(
        _("終了の理由"), max_length=20, choices=Case.ClosureReason.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("新しい担当者"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録者"),
    )
    created_at = models.DateTimeField(_("記録日時"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("経過メモ")
        verbose_name_plural = _("経過メモ")

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class UrgentAlert(models.Model):
    """The one mail telling a desk's supervisors that a case may involve a risk to life.

    The mail names the case by its reference only. Its Message-ID is fixed when the alert is
    raised, so a retry after a crash between sending and recording is the same message.
    """

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="urgent_alert", verbose_name=_("相談記録")
    )
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    claimed_until = models.DateTimeField(_("送信中の期限"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.CharField(_("最後のエラー"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("緊急の通知")
        verbose_name_plural = _("緊急の通知")

    def __str__(self):
        return self.message_id


class ClosingRequest(models.Model):
    """A counsellor's request to close a case that needs a supervisor's approval first.

    The request holds codes only; the counsellor's note and the supervisor's comment are
    notes on the case's timeline, so they are guarded and shredded like every other note.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        RETURNED = "returned", _("差し戻し")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="closing_requests", verbose_name=_("相談記録")
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    closure_reason = models.CharField(
        _("終了の理由"), max_length=20, choices=Case.ClosureReason.choices
    )
    # The code the referrals app reads when open follow-ups are closed with the case.
    follow_up_reason = models.CharField(
        _("フォローアップを確認しない理由"), max_length=30, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("依頼者"),
    )
    requested_at = models.DateTimeField(_("依頼日時"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("判断者"),
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="one_pending_closing_request_per_case",
            ),
        ]
        verbose_name = _("終了の承認依頼")
        verbose_name_plural = _("終了の承認依頼")

    def __str__(self):
        return f"{self.case_id} {self.get_status_display()}"
