import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalogue.vocabulary import Category, Flag, Situation, Wish, code_list_validator

# --- Suggestion rules -------------------------------------------------------------------------


class SuggestionRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def delete(self):
        if self.filter(is_safety=True).exists():
            raise ValidationError(_("安全のためのルールは削除できません。"))
        return super().delete()


class SuggestionRule(models.Model):
    """When an intake matches the conditions, suggest one window with a reason."""

    class CategoryMode(models.TextChoices):
        ANY = "any", _("いずれかを含む")
        ONLY = "only", _("これらだけ")

    class Urgency(models.IntegerChoices):
        NONE = 0, _("通常")
        LIFE = 1, _("差し迫った危険（110番・119番）")
        SUICIDE = 2, _("命に関わる悩み")

    name = models.CharField(_("ルール名"), max_length=120)
    situations = models.JSONField(
        _("相談の状況"),
        default=list,
        blank=True,
        validators=[code_list_validator(Situation)],
        help_text=_("空のときはどの状況にも当てはまります。"),
    )
    wishes = models.JSONField(
        _("希望"),
        default=list,
        blank=True,
        validators=[code_list_validator(Wish)],
        help_text=_("いずれかの希望があれば当てはまります。空のときはどの希望でも。"),
    )
    or_no_wish = models.BooleanField(_("希望がないときも当てはまる"), default=False)
    categories = models.JSONField(
        _("内容"),
        default=list,
        blank=True,
        validators=[code_list_validator(Category)],
        help_text=_("空のときはどの内容にも当てはまります。"),
    )
    category_mode = models.CharField(
        _("内容の条件"), max_length=10, choices=CategoryMode.choices, default=CategoryMode.ANY
    )
    or_no_category = models.BooleanField(_("内容の指定がないときも当てはまる"), default=False)
    flags = models.JSONField(
        _("フラグ"),
        default=list,
        blank=True,
        validators=[code_list_validator(Flag)],
        help_text=_("ここに挙げたフラグがすべて立っているときに当てはまります。"),
    )
    desk_kind = models.CharField(
        _("デスクの種別"),
        max_length=20,
        blank=True,
        choices=[("municipal", _("自治体")), ("school", _("学校"))],
        help_text=_("空のときはどのデスクでも。"),
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestion_rules",
        verbose_name=_("案内する窓口"),
    )
    desk_local = models.BooleanField(
        _("相談を受けたデスク独自の窓口を案内する"),
        default=False,
        help_text=_("学校の相談室など、デスクが登録した自前の窓口を案内します。"),
    )
    weight = models.PositiveSmallIntegerField(
        _("重み"), default=50, help_text=_("大きいほど上に表示されます。")
    )
    urgency = models.PositiveSmallIntegerField(
        _("緊急度"), choices=Urgency.choices, default=Urgency.NONE
    )
    reason = models.CharField(_("理由"), max_length=200)
    reason_en = models.CharField(_("理由（英語）"), max_length=240, blank=True)
    is_safety = models.BooleanField(
        _("安全のためのルール"),
        default=False,
        editable=False,
        help_text=_(
            "110番・119番・自殺防止の窓口のルールは、文言は変えられますが無効化・削除はできません。"
        ),
    )
    is_active = models.BooleanField(_("有効"), default=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = SuggestionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["urgency", "-weight", "id"]
        verbose_name = _("案内ルール")
        verbose_name_plural = _("案内ルール")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False, desk_local=False)
                | models.Q(service__isnull=True, desk_local=True),
                name="rule_has_one_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_safety=True, is_active=False),
                name="safety_rules_stay_active",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.service_id) == self.desk_local:
            raise ValidationError(
                _("案内する窓口を選ぶか、「デスク独自の窓口」を指定してください（どちらか一方）。")
            )
        if self.is_safety and not self.is_active:
            raise ValidationError(_("安全のためのルールは無効にできません。"))
        if self.is_safety and self.pk:
            stored = SuggestionRule.objects.filter(pk=self.pk).values(*SAFETY_LOCKED_FIELDS).first()
            if stored and any(stored[f] != getattr(self, f) for f in SAFETY_LOCKED_FIELDS):
                raise ValidationError(_("安全のためのルールは理由の文言だけ変更できます。"))

    def delete(self, *args, **kwargs):
        if self.is_safety:
            raise ValidationError(_("安全のためのルールは削除できません。"))
        return super().delete(*args, **kwargs)

    @property
    def display_reason(self) -> str:
        if get_language() == "en" and self.reason_en:
            return self.reason_en
        return self.reason


SAFETY_LOCKED_FIELDS = (
    "situations",
    "wishes",
    "or_no_wish",
    "categories",
    "category_mode",
    "or_no_category",
    "flags",
    "desk_kind",
    "service_id",
    "desk_local",
    "weight",
    "urgency",
    "is_active",
)


class RulesetVersion(models.Model):
    """A stamp bumped whenever a rule or a window changes, so every process reloads its cache."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ルールの版")
        verbose_name_plural = _("ルールの版")

    def __str__(self):
        return str(self.version)


# --- Referrals, follow-ups and reminders ------------------------------------------------------


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
        from referrals.stats.rollups import open_follow_ups_refresh

        still_open = self.open()
        buckets = set(still_open.values_list("case__desk_id", "due_on"))
        done = still_open.update(**fields)
        open_follow_ups_refresh(buckets=buckets)
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


class Digest(models.Model):
    """One weekly reminder mail to one user; the unique (user, week) row is what claims it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        SKIPPED = "skipped", _("対象なし（送信せず）")
        FAILED = "failed", _("送信できなかった")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests",
        verbose_name=_("宛先の職員"),
    )
    period = models.DateField(_("対象の週（月曜日）"))
    scheduled_for = models.DateTimeField(_("送信予定日時"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    attempts = models.PositiveSmallIntegerField(_("送信を試みた回数"), default=0)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    item_count = models.PositiveIntegerField(_("件数"), default=0)
    escalated_count = models.PositiveIntegerField(_("要確認の件数"), default=0)
    last_error = models.CharField(_("最後のエラー"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "user_id"]
        verbose_name = _("週間リマインダー")
        verbose_name_plural = _("週間リマインダー")
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_user_and_week"),
        ]
        indexes = [
            models.Index(
                fields=["lease_until"],
                condition=models.Q(status="pending"),
                name="digest_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.period:%Y-%m-%d}"


# --- Statistics rollups (kept up to date on write by referrals/stats/rollups.py) ---------------


class ReferralRollup(models.Model):
    """How many referrals a desk made in one month, to one window, with one outcome."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月"))
    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("結果"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("案内の月次集計")
        verbose_name_plural = _("案内の月次集計")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "month", "service", "outcome"], name="referral_rollup_cell"
            ),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.service_id} {self.outcome}: {self.count}"


class ReferralCategoryRollup(models.Model):
    """The same counts split by the case's categories: a case with several counts in each."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月"))
    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("結果"), max_length=20, blank=True)
    category = models.CharField(_("内容"), max_length=30, blank=True)
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("内容別の案内の月次集計")
        verbose_name_plural = _("内容別の案内の月次集計")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "month", "category", "service", "outcome"],
                name="referral_category_rollup_cell",
            ),
        ]
        # A category filter reads one category across many desks and months.
        indexes = [
            models.Index(fields=["category", "desk", "month"], name="referral_cat_rollup_cat_idx"),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.category}: {self.count}"


class FirstFollowUpRollup(models.Model):
    """How many of a month's intakes had their first follow-up after so many days."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("受付の月"))
    days = models.PositiveSmallIntegerField(_("日数"))
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("初回フォローアップまでの日数の集計")
        verbose_name_plural = _("初回フォローアップまでの日数の集計")
        constraints = [
            models.UniqueConstraint(fields=["desk", "month", "days"], name="first_followup_cell"),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.days}d: {self.count}"


class CategoryRollup(models.Model):
    """Referrals per desk, month and case category only: the dashboard's small category table."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月"))
    category = models.CharField(_("内容"), max_length=30, blank=True)
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("内容別の案内の月次合計")
        verbose_name_plural = _("内容別の案内の月次合計")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "month", "category"], name="category_rollup_cell"
            ),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.category}: {self.count}"


class OpenFollowUpRollup(models.Model):
    """How many follow-ups of a desk are still open with one due date."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("確認する日"))
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("未完了のフォローアップの集計")
        verbose_name_plural = _("未完了のフォローアップの集計")
        constraints = [
            models.UniqueConstraint(fields=["desk", "due_on"], name="open_followup_cell"),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.due_on:%Y-%m-%d}: {self.count}"


class IntakeRollup(models.Model):
    """How many intakes a desk took in one month under one national-report heading.

    A case counts once under each heading its categories fall in; the row with the blank
    heading counts every intake of the month once, so the total is not the headings' sum.
    """

    ALL = ""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("受付の月"))
    heading = models.CharField(_("全国集計の見出し"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("受付の月次集計")
        verbose_name_plural = _("受付の月次集計")
        constraints = [
            models.UniqueConstraint(fields=["desk", "month", "heading"], name="intake_rollup_cell"),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.heading or '*'}: {self.count}"
