import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from catalogue.models import Service
from catalogue.vocabulary import Action, Category, Channel

PHONE = re.compile(r"^[0-9#*+][0-9\-#*+ ]{1,19}$")


class LocalServiceForm(forms.ModelForm):
    """A desk's own window, as desk staff describe it."""

    desk = forms.ModelChoiceField(label=_("デスク"), queryset=Desk.objects.none())
    actions = forms.MultipleChoiceField(
        label=_("できること"), choices=Action.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("相談方法"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("扱う内容"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("何も選ばなければ、あらゆる内容を扱う窓口になります。"),
    )
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)

    field_order = [
        "desk",
        "name",
        "description",
        "actions",
        "channels",
        "categories",
        "audience",
        "phone",
        "url",
        "hours",
    ]

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "actions",
            "channels",
            "categories",
            "audience",
            "url",
            "hours",
            "eligibility",
            "counsellor_notes",
            "follow_up_days",
            "is_active",
        ]
        labels = {"description": _("説明")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "counsellor_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, desks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks
        if self.instance.pk:
            self.fields["desk"].disabled = True
            self.fields["desk"].initial = self.instance.desk
            main_phone = self.instance.phones.first()
            self.fields["phone"].initial = main_phone.number if main_phone else ""
        elif len(desks) == 1:
            self.fields["desk"].initial = desks[0]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("電話番号は数字とハイフンで入力してください（例: 058-123-4567）。")
            )
        return phone
