"""A case handed from one desk to another: offered, then accepted, declined or withdrawn."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from cases.models import Case


class Consent(models.TextChoices):
    PERSON = "person", _("本人が同意した")
    GUARDIAN = "guardian", _("保護者が同意した（子どもの相談）")
    VITAL_INTEREST = "vital_interest", _("生命・身体・財産の保護のため必要で、同意を得る時間がない")


class DeclineReason(models.TextChoices):
    OUTSIDE_AREA = "outside_area", _("区域外")
    OUTSIDE_REMIT = "outside_remit", _("所管外")
    ALREADY_HANDLED = "already_handled", _("すでに対応している")
    OTHER = "other", _("その他")


class CaseTransfer(models.Model):
    """An offer to hand a case to another desk (引き継ぎ), and what became of it.

    Until it is accepted the case stays its sending desk's; on acceptance ``Case.desk`` moves,
    so a case always has exactly one desk. The reference and both desks are kept as values,
    so the sender's list of handed-over cases outlives the case itself.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("受け入れ待ち")
        ACCEPTED = "accepted", _("受け入れ済み")
        DECLINED = "declined", _("辞退された")
        WITHDRAWN = "withdrawn", _("取り下げた")

    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("相談記録"),
    )
    reference = models.CharField(_("受付番号"), max_length=80)
    from_desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, related_name="+", verbose_name=_("引き継ぐデスク")
    )
    to_desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, related_name="+", verbose_name=_("引き継ぎ先のデスク")
    )
    consent = models.CharField(_("同意"), max_length=20, choices=Consent.choices)
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decline_reason = models.CharField(
        _("辞退の理由"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("依頼者"),
    )
    offered_at = models.DateTimeField(_("依頼日時"), default=timezone.now)
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
        ordering = ["-offered_at", "-id"]
        indexes = [
            models.Index(fields=["to_desk", "status"], name="transfer_to_status"),
            models.Index(fields=["from_desk", "status"], name="transfer_from_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(from_desk=F("to_desk")), name="transfer_between_two_desks"
            ),
            models.CheckConstraint(
                condition=(Q(status="declined") & ~Q(decline_reason=""))
                | (~Q(status="declined") & Q(decline_reason="")),
                name="transfer_decline_reason_iff_declined",
            ),
        ]
        verbose_name = _("デスク間の引き継ぎ")
        verbose_name_plural = _("デスク間の引き継ぎ")

    def __str__(self):
        return f"{self.reference} → {self.to_desk_id} ({self.status})"
