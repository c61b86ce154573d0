"""The weekly reminder mails: one row per user and week, claimed before it is sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
