"""The audit trail: who read, changed or exported what, when and from where."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntryContent(models.Model):
    """What an audit entry says: who did what to which case, when and from where."""

    class Action(models.TextChoices):
        VIEW = "view", _("閲覧")
        LIST = "list", _("一覧に表示")
        CREATE = "create", _("受付")
        UPDATE = "update", _("内容の変更")
        NOTE = "note", _("メモの追加")
        REASSIGN = "reassign", _("担当変更")
        STATUS = "status", _("状況の変化")
        CLOSE = "close", _("終了")
        REOPEN = "reopen", _("再開")
        EXPORT = "export", _("書き出し")
        REFER = "refer", _("案内の記録")
        DELETION_REQUEST = "deletion_request", _("削除の申出の記録")
        FOLLOW_UP = "follow_up", _("フォローアップの記録")
        CHANGE = "change", _("設定の変更")
        DELETE = "delete", _("削除")
        SIGN_IN = "sign_in", _("サインイン")
        SIGN_IN_FAILED = "sign_in_failed", _("サインインの失敗")
        LOCKOUT = "lockout", _("サインインのロック")
        SIGN_OUT_ALL = "sign_out_all", _("すべての端末からのサインアウト")
        PASSWORD_CHANGE = "password_change", _("パスワードの変更")
        SECOND_FACTOR = "second_factor", _("二要素認証の変更")
        TOKEN_CREATE = "token_create", _("APIトークンの発行")
        TOKEN_REVOKE = "token_revoke", _("APIトークンの失効")
        ACCESS_END = "access_end", _("アクセスの終了")
        SHRED = "shred", _("本文の消去")
        PURGE = "purge", _("保存期間満了による削除")
        HOLD = "hold", _("保全")
        HOLD_LIFT = "hold_lift", _("保全の解除")
        TRANSFER = "transfer", _("デスク間の引き継ぎ")
        CLOSING = "closing", _("終了の承認")

    class Via(models.TextChoices):
        WEB = "web", _("画面")
        API = "api", _("API")
        ADMIN = "admin", _("管理サイト")
        TASK = "task", _("定期処理")
        COMMAND = "command", _("管理コマンド")
        SYSTEM = "system", _("システム")

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    # Values, not foreign keys: an entry outlives the case it names and must never block
    # the deletion of a case whose retention has ended.
    case_reference = models.CharField(_("相談番号"), max_length=20, blank=True, db_index=True)
    desk_id = models.PositiveIntegerField(_("窓口"), null=True, blank=True)
    # Field names and codes only: free text is never copied here.
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("接続元IP"), null=True, blank=True)
    via = models.CharField(_("経路"), max_length=10, choices=Via.choices, default=Via.SYSTEM)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.case_reference}"


class AuditEntry(EntryContent):
    """One entry of the trail, sealed into the chain; the database refuses to change it."""

    # HMAC-SHA256 over this entry's content and the previous entry's seal (audit/chain.py).
    seal = models.CharField(_("封印"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["desk_id", "at"], name="audit_desk_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")


class StagedEntry(EntryContent):
    """An entry written with a bulk job's own work, waiting to be sealed into the chain.

    Every append to the chain holds one lock that each intake's own entry waits for, so a job
    that writes hundreds of entries at once (the retention sweep) stages them in its transaction
    and ``audit.chain.seal_staged`` moves them into the trail a few at a time afterwards. Counts
    and codes only, like every entry: no free text is ever staged.
    """

    class Meta:
        ordering = ["id"]
        verbose_name = _("封印待ちの監査記録")
        verbose_name_plural = _("封印待ちの監査記録")

    def entry(self) -> AuditEntry:
        """Return the trail's entry with this content, not yet sealed or saved."""
        content = (f.attname for f in self._meta.concrete_fields if not f.primary_key)
        return AuditEntry(**{name: getattr(self, name) for name in content})


class AccessAlert(models.Model):
    """One episode of unusual reading by one user, mailed once to the desk's supervisors."""

    class Kind(models.TextChoices):
        VOLUME = "volume", _("短時間に多数の相談を閲覧")
        OFF_HOURS = "off_hours", _("勤務時間外の閲覧")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("利用者"),
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    desk_id = models.PositiveIntegerField(_("窓口"))
    started_at = models.DateTimeField(_("開始"), default=timezone.now)
    # References and counts only, never case text.
    case_count = models.PositiveIntegerField(_("閲覧した相談の数"), default=0)
    references = models.JSONField(_("相談番号"), default=list, blank=True)
    claimed_at = models.DateTimeField(_("送信処理の開始"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "started_at"], name="audit_alert_episode")]
        verbose_name = _("通常と異なる閲覧")
        verbose_name_plural = _("通常と異なる閲覧")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.user_id} {self.kind}"


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``, kept for 24 hours.

    A retry of the same request (same user, key, method, path and body) within that time is
    answered from here, and writes nothing. See ``audit.idempotency``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("送信した職員"),
    )
    key = models.CharField(_("Idempotency-Key"), max_length=255)
    method = models.CharField(_("メソッド"), max_length=10)
    path = models.CharField(_("パス"), max_length=500)
    fingerprint = models.CharField(_("要求本文のSHA-256"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("応答の状態コード"))
    body = models.JSONField(_("応答の本文"), encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("再送を見分けるキー")
        verbose_name_plural = _("再送を見分けるキー")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method", "path"], name="one_answer_per_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.key}"
