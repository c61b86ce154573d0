"""Suggestion rules: the flyer's mapping as data, and the version stamp that reloads them."""

from django.core.exceptions import ValidationError
from django.db import models
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
