from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.vocabulary import Category, Flag, Situation, Wish
from triage.engine import Intake

UNKNOWN_CODE = _("不明なコードです: %(value)s")


class TriageForm(forms.Form):
    """What the counsellor learned at the desk, in the flyer's order."""

    situation = forms.ChoiceField(
        label=_("相談の状況"),
        choices=Situation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("相談の状況を選んでください。"),
            "invalid_choice": UNKNOWN_CODE,
        },
    )
    wishes = forms.MultipleChoiceField(
        label=_("相談者の希望"),
        choices=Wish.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    categories = forms.MultipleChoiceField(
        label=_("内容"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    flags = forms.MultipleChoiceField(
        label=_("特に注意すること"),
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )

    def to_intake(self, desk=None, platforms=()) -> Intake:
        """Return the cleaned choices as an Intake, seen from the given desk."""
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
