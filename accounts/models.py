from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff: counsellor, supervisor or administrator."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("月曜日")
        TUESDAY = 1, _("火曜日")
        WEDNESDAY = 2, _("水曜日")
        THURSDAY = 3, _("木曜日")
        FRIDAY = 4, _("金曜日")
        SATURDAY = 5, _("土曜日")
        SUNDAY = 6, _("日曜日")

    digest_weekday = models.PositiveSmallIntegerField(
        _("週間リマインダーの曜日"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("週間リマインダーの時刻"),
        default=9,
        validators=[MaxValueValidator(23)],
        help_text=_("0〜23時（日本時間）。祝日に当たるときは翌営業日に送ります。"),
    )
    digest_paused = models.BooleanField(_("週間リマインダーを停止中"), default=False)

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")

    def __str__(self):
        return self.get_full_name() or self.username


class Desk(models.Model):
    """A consultation desk: a municipal office or a school."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("自治体")
        SCHOOL = "school", _("学校")

    slug = models.SlugField(_("識別子"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    prefecture = models.CharField(_("都道府県"), max_length=20)
    municipality = models.CharField(_("市区町村"), max_length=60, blank=True)
    phone = models.CharField(
        _("電話番号"),
        max_length=30,
        blank=True,
        help_text=_("相談者が戻ってくるときの番号。案内票に印刷されます。"),
    )
    members = models.ManyToManyField(
        User, through="Membership", related_name="desks", verbose_name=_("職員")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("相談窓口（デスク）")
        verbose_name_plural = _("相談窓口（デスク）")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role at one desk; a supervisor may oversee several desks."""

    class Role(models.TextChoices):
        COUNSELLOR = "counsellor", _("相談員")
        SUPERVISOR = "supervisor", _("管理者（スーパーバイザー）")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("職員")
    )
    desk = models.ForeignKey(
        Desk, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("デスク")
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "desk"], name="one_membership_per_desk"),
        ]
        verbose_name = _("所属")
        verbose_name_plural = _("所属")

    def __str__(self):
        return f"{self.user} @ {self.desk} ({self.get_role_display()})"
