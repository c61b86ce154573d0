"""Statistics rollups, kept equal to the base tables on write by ``stats.rollups``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class FirstFollowUpCategoryRollup(models.Model):
    """The same histogram split by the intake's categories: a case with several counts in each.

    It lets the median follow the content filter the tables follow.
    """

    desk = models.ForeignKey("accounts.Desk", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("受付の月"))
    category = models.CharField(_("内容"), max_length=30, blank=True)
    days = models.PositiveSmallIntegerField(_("日数"))
    count = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("内容別の初回フォローアップまでの日数の集計")
        verbose_name_plural = _("内容別の初回フォローアップまでの日数の集計")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "month", "category", "days"], name="first_followup_category_cell"
            ),
        ]

    def __str__(self):
        return f"{self.desk_id} {self.month:%Y-%m} {self.category} {self.days}d: {self.count}"


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
