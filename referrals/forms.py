"""Forms for recording referrals, deletion requests and follow-ups, and for digest choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalogue.models import Service
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("案内する窓口"), queryset=Service.objects.none(), empty_label=_("選んでください")
    )
    method = forms.ChoiceField(
        label=_("案内の方法"), choices=Referral.Method.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("相談者本人の同意を確認した"),
        required=False,
        help_text=_("デスクが電話する・代わりに連絡する・同行するときは必須です。"),
    )
    follow_up_on = forms.DateField(
        label=_("フォローアップする日"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("空欄のときは窓口ごとの標準の日数（通常14日、法務局は30日）後になります。"),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class DeletionRequestForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=_("申出先のプラットフォーム"),
        queryset=DesignatedPlatform.objects.none(),
        empty_label=_("選んでください"),
    )
    sent_by = forms.ChoiceField(
        label=_("申出をした人"),
        choices=DeletionRequest.Sender.choices,
        widget=forms.RadioSelect,
    )
    sent_on = forms.DateField(label=_("申出をした日"), widget=DATE_INPUT)
    referral = forms.ModelChoiceField(
        label=_("関係する案内（任意）"),
        queryset=Referral.objects.none(),
        required=False,
        empty_label=_("なし"),
    )

    def __init__(self, *args, platforms, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = platforms
        self.fields["referral"].queryset = referrals


RECORDABLE_RESULTS = [
    (value, label)
    for value, label in FollowUp.Result.choices
    if value not in FollowUp.SYSTEM_RESULTS
]


class FollowUpRecordForm(forms.Form):
    result = forms.ChoiceField(
        label=_("確認の結果"), choices=RECORDABLE_RESULTS, widget=forms.RadioSelect
    )
    referral_status = forms.ChoiceField(
        label=_("案内の状況"),
        required=False,
        choices=[("", _("変えない")), *Referral.Status.choices[1:3]],
    )
    outcome = forms.ChoiceField(
        label=_("案内を終了する（結果）"),
        required=False,
        choices=[("", _("まだ終了しない")), *Referral.Outcome.choices],
    )
    next_on = forms.DateField(label=_("次に確認する日（任意）"), required=False, widget=DATE_INPUT)


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=Referral.Status.choices)
    outcome = forms.ChoiceField(
        label=_("結果"), required=False, choices=[("", "—"), *Referral.Outcome.choices]
    )


class DigestPreferenceForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(
        label=_("時刻"),
        coerce=int,
        choices=[(hour, f"{hour}:00") for hour in range(24)],
    )

    class Meta:
        model = User
        fields = ["digest_weekday", "digest_hour", "digest_paused"]
        labels = {
            "digest_weekday": _("曜日"),
            "digest_paused": _("週間リマインダーを一時停止する"),
        }
