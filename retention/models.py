"""How long a desk keeps its records, what has gone already, and what must not go."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk

DEFAULT_TEXT_DAYS = 365
DEFAULT_CASE_YEARS = 5
# National guidance for いじめ records: a school keeps their text at least five years.
SCHOOL_BULLYING_TEXT_YEARS = 5


class RetentionPolicy(models.Model):
    """One desk's retention periods; a desk without a policy keeps the defaults."""

    desk = models.OneToOneField(
        "accounts.Desk",
        on_delete=models.CASCADE,
        related_name="retention_policy",
        verbose_name=_("デスク"),
    )
    text_days = models.PositiveIntegerField(
        _("本文を消去するまでの日数（終了後）"),
        default=DEFAULT_TEXT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365 * 30)],
    )
    case_years = models.PositiveSmallIntegerField(
        _("相談記録を削除するまでの年数（終了後）"),
        default=DEFAULT_CASE_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    bullying_text_years = models.PositiveSmallIntegerField(
        _("いじめの相談の本文を保存する年数（終了後）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(30)],
        help_text=_("空欄なら、学校のデスクは5年、その他のデスクは通常の日数です。"),
    )

    class Meta:
        verbose_name = _("保存期間の設定")
        verbose_name_plural = _("保存期間の設定")

    def __str__(self):
        return str(self.desk)

    def clean(self):
        if self.text_days > self.case_years * 365:
            raise ValidationError(
                {
                    "text_days": _(
                        "本文を消去する日数は、相談記録を削除するまでの期間以内にしてください。"
                    )
                }
            )
        if self.bullying_text_years and self.bullying_text_years > self.case_years:
            raise ValidationError(
                {
                    "bullying_text_years": _(
                        "いじめの相談の本文を保存する年数は、相談記録を削除するまでの年数以内にしてください。"
                    )
                }
            )


class ShreddedText(models.Model):
    """The mark left on a case whose free text was overwritten, and when."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="shredded_text",
        verbose_name=_("相談記録"),
    )
    shredded_at = models.DateTimeField(_("消去日時"), default=timezone.now)
    notes = models.PositiveIntegerField(_("消去したメモの数"), default=0)

    class Meta:
        verbose_name = _("本文の消去")
        verbose_name_plural = _("本文の消去")

    def __str__(self):
        return f"{self.case_id} {self.shredded_at:%Y-%m-%d}"


class KeptMonth(models.Model):
    """A desk's month some of whose cases were deleted: its statistics are final."""

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月"))
    sealed_at = models.DateTimeField(_("確定日時"), default=timezone.now)

    class Meta:
        verbose_name = _("確定した月の統計")
        verbose_name_plural = _("確定した月の統計")
        constraints = [
            models.UniqueConstraint(fields=["desk", "month"], name="one_kept_month_per_desk")
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m}"


class LegalHold(models.Model):
    """A case that must be kept whole while a request, proceeding or inquiry is pending."""

    class Reason(models.TextChoices):
        DISCLOSURE_REQUEST = "disclosure_request", _("保有個人情報開示請求・情報公開請求")
        LITIGATION = "litigation", _("訴訟・発信者情報開示の手続")
        POLICE_INQUIRY = "police_inquiry", _("捜査関係事項照会")
        BULLYING_INVESTIGATION = "bullying_investigation", _("いじめ重大事態の調査")
        OTHER = "other", _("その他")

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="legal_holds",
        verbose_name=_("相談記録"),
    )
    reason = models.CharField(_("理由"), max_length=30, choices=Reason.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("保全した人"),
    )
    placed_at = models.DateTimeField(_("保全した日時"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解除した人"),
    )
    lifted_at = models.DateTimeField(_("解除した日時"), null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        verbose_name = _("保全（リーガルホールド）")
        verbose_name_plural = _("保全（リーガルホールド）")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hold_per_case",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="hold_lifted_by_iff_lifted_at",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DeskData(Desk):
    """A desk as the admin exports its data (the admin list of the export actions)."""

    class Meta:
        proxy = True
        verbose_name = _("デスクのデータ書き出し")
        verbose_name_plural = _("デスクのデータ書き出し")
