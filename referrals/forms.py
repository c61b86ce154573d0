from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.vocabulary import Category, Flag, Situation, Wish
from referrals.engine import Intake


class TriageForm(forms.Form):
    """What the counsellor learned at the desk, in the flyer's order."""

    situation = forms.ChoiceField(
        label=_("相談の状況"),
        choices=Situation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("相談の状況を選んでください。")},
    )
    wishes = forms.MultipleChoiceField(
        label=_("相談者の希望"),
        choices=Wish.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=_("内容"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    flags = forms.MultipleChoiceField(
        label=_("特に注意すること"),
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def to_intake(self, desk=None, platforms=()) -> Intake:
        data = self.cleaned_data
        return Intake(
            situation=data["situation"],
            wishes=frozenset(data["wishes"]),
            categories=frozenset(data["categories"]),
            flags=frozenset(data["flags"]),
            desk_id=desk.id if desk else None,
            desk_kind=desk.kind if desk else None,
            platforms=frozenset(platforms),
        )
