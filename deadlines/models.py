"""Legal clocks: deadlines set by law that run on a case, and the court steps marked on them.

A clock holds only dates and codes, never text about the person. Its kinds are data an
administrator edits (the law, its source, the length and what to do before it runs out).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Codes of domain.md. The platform's deadline is kept by a deletion request, not a clock.
PLATFORM_DELETION = "platform_deletion"


def _english() -> bool:
    return (get_language() or "").startswith("en")


class ClockKind(models.Model):
    """A legal clock: how long it runs from which day, under which law, and what to do in time."""

    class Unit(models.TextChoices):
        DAYS = "days", _("日")
        MONTHS = "months", _("か月")

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("名称（英語）"), max_length=120)
    law = models.CharField(_("根拠となる法律"), max_length=200)
    source_url = models.URLField(_("出典のURL"))
    length = models.PositiveSmallIntegerField(
        _("長さ"), validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    unit = models.CharField(_("単位"), max_length=10, choices=Unit.choices, default=Unit.DAYS)
    starts_from = models.CharField(
        _("起算日"), max_length=80, help_text=_("例：投稿の日、申出をした日。")
    )
    starts_from_en = models.CharField(_("起算日（英語）"), max_length=120)
    warn_working_days = models.PositiveSmallIntegerField(
        _("警告（期限の何営業日前）"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_("この営業日数だけ前の日に、担当の相談員にメールで知らせます。"),
    )
    action = models.CharField(_("期限までにすること"), max_length=500)
    action_en = models.CharField(_("期限までにすること（英語）"), max_length=500)
    steps = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="step_of",
        verbose_name=_("手続の段階"),
        help_text=_("この期限の上で、相談員が日付を記録できる裁判手続の段階。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("法的な期限の種類")
        verbose_name_plural = _("法的な期限の種類")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name

    @property
    def display_action(self) -> str:
        return self.action_en if _english() and self.action_en else self.action

    @property
    def display_starts_from(self) -> str:
        return self.starts_from_en if _english() and self.starts_from_en else self.starts_from


class LegalClock(models.Model):
    """A clock running on a case: from its start day to a deadline that never moves."""

    class CloseReason(models.TextChoices):
        ACTED = "acted", _("期限内に手続をした")
        NOT_NEEDED = "not_needed", _("必要がなくなった")
        EXPIRED = "expired", _("期限が過ぎた")

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="legal_clocks",
        verbose_name=_("相談"),
    )
    kind = models.ForeignKey(
        ClockKind, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("種類")
    )
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("期限"))
    warn_on = models.DateField(_("警告する日"))
    # The day the warning would fall on without the holidays and closures before the deadline.
    warn_moved_from = models.DateField(_("休日のため移動する前の警告日"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    created_at = models.DateTimeField(_("記録した日時"), default=timezone.now)
    closed_at = models.DateTimeField(_("終えた日時"), null=True, blank=True)
    closed_because = models.CharField(
        _("終えた理由"), max_length=20, choices=CloseReason.choices, blank=True
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("終えた職員"),
    )
    warning_claimed_until = models.DateTimeField(_("警告の送信中の期限"), null=True, blank=True)
    warning_sent_at = models.DateTimeField(_("警告を送った日時"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("法的な期限")
        verbose_name_plural = _("法的な期限")
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_open_due_idx",
            ),
            models.Index(
                fields=["warn_on"],
                condition=models.Q(closed_at__isnull=True, warning_sent_at__isnull=True),
                name="clock_unwarned_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_because="")
                | models.Q(closed_at__isnull=False, closed_because__gt=""),
                name="clock_reason_iff_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("started_on")),
                name="clock_due_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ClockStep(models.Model):
    """A stage of the court procedure reached on a clock, marked with its date."""

    clock = models.ForeignKey(
        LegalClock, on_delete=models.CASCADE, related_name="steps", verbose_name=_("期限")
    )
    kind = models.ForeignKey(
        ClockKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("段階")
    )
    done_on = models.DateField(_("日付"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    created_at = models.DateTimeField(_("記録した日時"), default=timezone.now)

    class Meta:
        ordering = ["done_on", "id"]
        verbose_name = _("手続の段階")
        verbose_name_plural = _("手続の段階")
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind"], name="clock_step_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.done_on:%Y-%m-%d}"
