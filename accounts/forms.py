from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=16,
        help_text=_("認証アプリの6桁のコード、または回復用コードの一つ。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名前"), max_length=100, help_text=_("用途が分かる名前。"))
    scope = forms.ChoiceField(label=_("範囲"), choices=ApiToken.Scope.choices)
    days = forms.IntegerField(label=_("有効期間（日）"), min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days > settings.API_TOKEN_MAX_DAYS:
            raise forms.ValidationError(
                _("有効期間は%(max)s日以内にしてください。") % {"max": settings.API_TOKEN_MAX_DAYS}
            )
        return days
