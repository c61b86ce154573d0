from django import forms
from django.utils.translation import gettext_lazy as _

from deadlines.models import LegalClock
from deadlines.services import startable_kinds


class ClockStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("期限の種類"), choices=())
    started_on = forms.DateField(
        label=_("起算日"),
        help_text=_("投稿の日、通知を受けた日など、期限が数えはじめられる日。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.code, f"{kind.display_name}（{kind.display_starts_from}から）")
            for kind in startable_kinds()
        ]


class ClockStepForm(forms.Form):
    clock = forms.IntegerField(label=_("期限"), widget=forms.HiddenInput)
    step = forms.SlugField(label=_("段階"), max_length=40)
    done_on = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))


class ClockCloseForm(forms.Form):
    clock = forms.IntegerField(label=_("期限"), widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("終える理由"), choices=LegalClock.CloseReason.choices)
