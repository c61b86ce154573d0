"""Where each case was sent, the deletion requests made for it, and the dates to follow up."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.signals import follow_ups_closed


class DesignatedPlatform(models.Model):
    """A large platform designated under 情報流通プラットフォーム対処法: it must decide within 7 days."""

    code = models.SlugField(_("識別子"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    decision_days = models.PositiveSmallIntegerField(
        _("削除申出への回答期限（日）"),
        default=7,
        help_text=_("削除の申出を受けてから判断し通知するまでの法定の日数。"),
    )
    designated_on = models.DateField(_("指定日"), null=True, blank=True)
    is_active = models.BooleanField(_("指定中"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("大規模特定電気通信役務提供者")
        verbose_name_plural = _("大規模特定電気通信役務提供者")

    def __str__(self):
        return self.name


class Referral(models.Model):
    """One window a case was sent to, with how, by whom, and what came of it."""

    class Method(models.TextChoices):
        INFO_GIVEN = "info_given", _("連絡先を案内した")
        WARM_HANDOFF = "warm_handoff", _("相談者の同席のもと窓口に電話した")
        DESK_CONTACTED = "desk_contacted", _("デスクが相談者に代わって窓口に連絡した")
        ACCOMPANIED = "accompanied", _("窓口に同行した")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("案内済み")
        CONTACTED = "contacted", _("相談者が窓口に連絡した")
        IN_PROGRESS = "in_progress", _("窓口で対応中")
        CONCLUDED = "concluded", _("終了")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("解決した")
        CONTENT_DELETED = "content_deleted", _("削除された")
        ADVICE_RECEIVED = "advice_received", _("助言を受けた")
        DECLINED_BY_WINDOW = "declined_by_window", _("窓口で対応できなかった")
        NOT_CONTACTED = "not_contacted", _("窓口に連絡しなかった")
        UNKNOWN = "unknown", _("不明")

    # Not stored: set by referrals.services when the calendar moved the computed follow-up.
    follow_up_moved_from: datetime.date | None = None

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("相談")
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("窓口"),
    )
    service_name = models.CharField(_("案内時の窓口名"), max_length=160)
    service_phone = models.CharField(_("案内時の電話番号"), max_length=30, blank=True)
    service_url = models.URLField(_("案内時のWebサイト"), blank=True)
    method = models.CharField(_("案内の方法"), max_length=20, choices=Method.choices)
    consent_recorded_at = models.DateTimeField(
        _("本人の同意を確認した日時"),
        null=True,
        blank=True,
        help_text=_("デスクが本人に代わって動く方法では、本人の同意が必要です。"),
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.RECORDED
    )
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("案内した職員"),
    )
    created_at = models.DateTimeField(_("案内した日時"), default=timezone.now)
    contacted_at = models.DateTimeField(_("窓口に連絡した日時"), null=True, blank=True)
    in_progress_at = models.DateTimeField(_("対応が始まった日時"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("終了した日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("案内")
        verbose_name_plural = _("案内")
        indexes = [models.Index(fields=["created_at"], name="referral_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="concluded", outcome__gt="")
                | (~models.Q(status="concluded") & models.Q(outcome="")),
                name="referral_outcome_iff_concluded",
            ),
            models.CheckConstraint(
                condition=models.Q(method="info_given")
                | models.Q(consent_recorded_at__isnull=False),
                name="referral_consent_when_acting_for_person",
            ),
        ]

    def __str__(self):
        return f"{self.service_name} ({self.get_status_display()})"

    NEEDS_CONSENT = frozenset({"warm_handoff", "desk_contacted", "accompanied"})
    # Forward only; a step may be skipped (a window the desk phoned is already in progress).
    NEXT_STATUSES = {
        "recorded": frozenset({"contacted", "in_progress", "concluded"}),
        "contacted": frozenset({"in_progress", "concluded"}),
        "in_progress": frozenset({"concluded"}),
        "concluded": frozenset(),
    }
    STATUS_STAMPS = {
        "contacted": "contacted_at",
        "in_progress": "in_progress_at",
        "concluded": "concluded_at",
    }

    def clean(self):
        errors = {}
        if self.method in self.NEEDS_CONSENT and self.consent_recorded_at is None:
            errors["consent"] = _("この方法では、相談者本人の同意を確認して記録してください。")
        if self.status == self.Status.CONCLUDED and not self.outcome:
            errors["outcome"] = _("終了にするときは結果を選んでください。")
        if self.status != self.Status.CONCLUDED and self.outcome:
            errors["outcome"] = _("結果は終了にするときだけ記録できます。")
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, status: str) -> bool:
        return status in self.NEXT_STATUSES.get(self.status, ())

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CONCLUDED


class DeletionRequest(models.Model):
    """A deletion request sent to a designated platform, whose legal deadline is followed up."""

    class Sender(models.TextChoices):
        PERSON = "person", _("相談者本人")
        DESK = "desk", _("デスク")

    # Not stored: set by referrals.services, the follow-up's day and, if the calendar moved
    # it off the deadline, the deadline.
    follow_up_on: datetime.date | None = None
    follow_up_moved_from: datetime.date | None = None

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="deletion_requests",
        verbose_name=_("相談"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
        verbose_name=_("関係する案内"),
    )
    platform = models.ForeignKey(
        DesignatedPlatform,
        on_delete=models.PROTECT,
        related_name="deletion_requests",
        verbose_name=_("プラットフォーム"),
    )
    sent_by = models.CharField(_("申出をした人"), max_length=10, choices=Sender.choices)
    sent_on = models.DateField(_("申出をした日"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    created_at = models.DateTimeField(_("記録した日時"), default=timezone.now)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("削除の申出")
        verbose_name_plural = _("削除の申出")

    def __str__(self):
        return f"{self.platform} {self.sent_on:%Y-%m-%d}"

    @property
    def decision_due_on(self) -> datetime.date:
        return self.sent_on + datetime.timedelta(days=self.platform.decision_days)


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def mark_done(self, **fields) -> int:
        """Mark the open ones among these done in one UPDATE, keeping the open counts true."""
        still_open = self.open()
        buckets = set(still_open.values_list("case__desk_id", "due_on"))
        done = still_open.update(**fields)
        follow_ups_closed.send(sender=FollowUp, buckets=buckets)
        return done


class FollowUp(models.Model):
    """A date on which the desk checks whether the person really got help."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("案内後の確認")
        PLATFORM_DEADLINE = "platform_deadline", _("プラットフォームの回答期限")
        AGAIN = "again", _("再確認")

    class Result(models.TextChoices):
        REACHED = "reached", _("窓口につながっている")
        WAITING = "waiting", _("窓口の対応を待っている")
        NOT_YET = "not_yet", _("まだ窓口に連絡していない")
        PLATFORM_ANSWERED = "platform_answered", _("プラットフォームから回答があった")
        NO_ANSWER = "no_answer", _("期限までに回答がなかった")
        RESOLVED = "resolved", _("解決した")
        LOST_CONTACT = "lost_contact", _("相談者と連絡が取れない")
        OUTCOME_RECORDED = "outcome_recorded", _("案内の結果を記録した")
        CASE_CLOSED = "case_closed", _("相談の終了により確認しない")

    class CloseReason(models.TextChoices):
        PERSON_DECLINED = "person_declined", _("相談者が確認を望まない")
        LOST_CONTACT = "lost_contact", _("相談者と連絡が取れない")
        HANDLED_ELSEWHERE = "handled_elsewhere", _("他の機関で対応が続いている")
        NO_LONGER_NEEDED = "no_longer_needed", _("確認の必要がなくなった")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("相談")
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("案内"),
    )
    deletion_request = models.ForeignKey(
        DeletionRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("削除の申出"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("前回の確認"),
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("確認する日"))
    # The day the product computed before the calendar moved it past a day off; empty when
    # the date was not moved or the counsellor chose it.
    moved_from = models.DateField(_("休日のため移動する前の日"), null=True, blank=True)
    result = models.CharField(_("確認の結果"), max_length=20, choices=Result.choices, blank=True)
    done_at = models.DateTimeField(_("確認した日時"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認した職員"),
    )
    closed_because = models.CharField(
        _("確認しない理由"), max_length=20, choices=CloseReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    # Not stored: set on instances by readers, the days overdue for the week's list
    # (referrals.selectors) and the due date last read or saved (stats.rollups).
    days_late: int
    _stats_due_on: datetime.date

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("フォローアップ")
        verbose_name_plural = _("フォローアップ")
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(done_at__isnull=True),
                name="followup_open_due_idx",
            ),
            models.Index(fields=["case", "done_at"], name="followup_case_done_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True, result="")
                | models.Q(done_at__isnull=False, result__gt=""),
                name="followup_result_iff_done",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"

    SYSTEM_RESULTS = frozenset({"outcome_recorded", "case_closed"})

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def days_overdue(self, today: datetime.date) -> int:
        return max((today - self.due_on).days, 0)
