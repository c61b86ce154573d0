from django import forms
from django.utils.translation import gettext_lazy as _

from retention.models import LegalHold


class HoldForm(forms.Form):
    reference = forms.CharField(label=_("受付番号"), max_length=80)
    reason = forms.ChoiceField(label=_("理由"), choices=LegalHold.Reason.choices)


class LiftForm(forms.Form):
    hold = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class HandoverForm(forms.Form):
    reference = forms.CharField(label=_("受付番号"), max_length=80)
    assignee = forms.IntegerField(label=_("引き継ぐ相談員"), min_value=1, max_value=2**31 - 1)
