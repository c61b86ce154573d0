import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateStyle


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
    # Set only by loaddemo, so that the README's demo sign-ins work without an authenticator.
    second_factor_exempt = models.BooleanField(
        _("二要素認証を求めない（デモ用）"), default=False, editable=False
    )
    # Raised whenever the user's rights change (a desk or role, admin rights), so that each
    # open session gets a new id on its next request (accounts.middleware).
    privilege_version = models.PositiveIntegerField(default=0, editable=False)

    # Not stored: the date style of the user's desks, kept for one request (accounts.dates).
    _date_style: str

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")

    def __str__(self):
        return self.get_full_name() or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_rights = (user.__dict__.get("is_staff"), user.__dict__.get("is_superuser"))
        return user

    def save(self, *args, **kwargs):
        # set_password() leaves the new password in _password until the user is saved.
        password_changed = self.pk is not None and self._password is not None
        loaded = getattr(self, "_loaded_rights", None)
        if loaded is not None and loaded != (self.is_staff, self.is_superuser):
            self.privilege_version += 1
            self._loaded_rights = (self.is_staff, self.is_superuser)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "privilege_version"}
        super().save(*args, **kwargs)
        if password_changed or (self.pk is not None and not self.is_active):
            from accounts.services import access_end

            access_end(user=self, reason="password" if password_changed else "deactivated")


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
    require_second_factor = models.BooleanField(
        _("職員全員に二要素認証を求める"),
        default=True,
        help_text=_(
            "オンにすると、このデスクの職員はサインインのたびに認証アプリかパスキーが必要です。"
        ),
    )
    date_style = models.CharField(
        _("日付の書き方"),
        max_length=10,
        choices=DateStyle.choices,
        default=DateStyle.SEIREKI,
        help_text=_("画面、メール、書き出しの日付を西暦と和暦のどちらで書くか。"),
    )
    phone = models.CharField(
        _("電話番号"),
        max_length=30,
        blank=True,
        help_text=_("相談者が戻ってくるときの番号。案内票に印刷されます。"),
    )
    closing_needs_approval = models.BooleanField(
        _("緊急・いじめ重大事態の相談の終了にスーパーバイザーの承認を求める"),
        default=False,
        help_text=_(
            "オンにすると、緊急のフラグ（希死念慮・差し迫った危険）が付いたことのある相談と"
            "いじめ重大事態の相談は、スーパーバイザーが承認するまで終了できません。"
        ),
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


class DeskClosure(models.Model):
    """A day the desk is closed besides weekends, national holidays and 12月29日〜1月3日."""

    desk = models.ForeignKey(
        Desk, on_delete=models.CASCADE, related_name="closures", verbose_name=_("デスク")
    )
    day = models.DateField(_("休業日"))
    reason = models.CharField(_("理由"), max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "day"], name="one_closure_per_desk_day"),
        ]
        verbose_name = _("デスクの休業日")
        verbose_name_plural = _("デスクの休業日")

    def __str__(self):
        return f"{self.desk} {self.day:%Y-%m-%d}"


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


class ApiToken(models.Model):
    """A named API key of one user: only its SHA-256 digest is stored, the key is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("読み取りのみ")
        WRITE = "write", _("読み書き")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("職員")
    )
    name = models.CharField(_("名前"), max_length=100)
    digest = models.CharField(_("ダイジェスト"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("先頭の文字"), max_length=8, editable=False)
    scope = models.CharField(_("範囲"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    expires_at = models.DateTimeField(_("有効期限"))
    last_used_at = models.DateTimeField(_("最後に使った日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取り消した日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)

    def is_live(self, at=None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())


class UserSession(models.Model):
    """One signed-in browser session, so a user can see and end their sessions."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="browser_sessions", verbose_name=_("職員")
    )
    session_key = models.CharField(_("セッションキー"), max_length=40, unique=True)
    started_at = models.DateTimeField(_("サインイン日時"), default=timezone.now)
    ip = models.GenericIPAddressField(_("接続元IP"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザー"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("サインイン中のセッション")
        verbose_name_plural = _("サインイン中のセッション")

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"
