from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from transfers import selectors
from transfers.models import Consent, DeclineReason

UNKNOWN = _("選べない値です: %(value)s")


class TransferOfferForm(forms.Form):
    to_desk = forms.ModelChoiceField(
        label=_("引き継ぎ先のデスク"),
        queryset=Desk.objects.none(),
        to_field_name="slug",
        error_messages={
            "required": _("引き継ぎ先のデスクを選んでください。"),
            "invalid_choice": _("引き継ぎ先には別のデスクを選んでください。"),
        },
    )
    consent = forms.ChoiceField(
        label=_("相談者の同意"),
        choices=[("", "—"), *Consent.choices],
        error_messages={"required": _("同意の種類を選んでください。"), "invalid_choice": UNKNOWN},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_desk"].queryset = selectors.receiving_desks(case)


class TransferDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("辞退の理由"),
        choices=[("", "—"), *DeclineReason.choices],
        error_messages={"required": _("辞退の理由を選んでください。"), "invalid_choice": UNKNOWN},
    )
