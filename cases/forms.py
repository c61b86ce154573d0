from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.access import desks_for
from accounts.models import Membership, User
from cases.models import FREE_TEXT_MAX_LENGTH, Case, CrisisPrompt
from catalogue.vocabulary import AgeBand, Category, Channel, Consulter, Platform
from triage.forms import UNKNOWN_CODE, TriageForm

PII_HELP = _(
    "個人を特定できる情報（氏名・住所・電話番号・メールアドレス・ID・URL・生年月日・学校名と学年・組）は書かないでください。"
    "「Aさん」「B子」のように置き換えます。"
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, under the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class CaseFilterForm(forms.Form):
    """The filters of the case list, shared by the page and the API (`?status=&category=&from=&to=&mine=`)."""

    status = forms.ChoiceField(
        label=_("状況"),
        required=False,
        choices=[("", _("すべて")), *Case.Status.choices],
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    category = forms.ChoiceField(
        label=_("内容"),
        required=False,
        choices=[("", _("すべて")), *Category.choices],
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    mine = forms.BooleanField(label=_("自分の担当だけ"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        date_input = forms.DateInput(attrs={"type": "date"})
        self.fields["from"] = forms.DateField(
            label=_("受付日（から）"), required=False, widget=date_input
        )
        self.fields["to"] = forms.DateField(
            label=_("受付日（まで）"), required=False, widget=date_input
        )
        desks = list(desks_for(user))
        self.fields["desk"] = forms.ChoiceField(
            label=_("デスク"),
            required=False,
            choices=[("", _("すべて")), *((desk.slug, desk.name) for desk in desks)],
            error_messages={"invalid_choice": _("所属していないデスクです: %(value)s")},
        )
        self.show_desk = len(desks) > 1

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", _("「まで」は「から」以降の日付にしてください。"))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "category": data.get("category") or "",
            "date_from": data.get("from"),
            "date_to": data.get("to"),
            "mine": bool(data.get("mine")),
            "desk_slug": data.get("desk") or "",
        }


class IntakeForm(TriageForm):
    """The triage steps plus the anonymised profile and the summary of what happened."""

    age_band = forms.ChoiceField(
        label=_("年代（当事者）"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN
    )
    consulter = forms.ChoiceField(
        label=_("相談者"), choices=[("", "—"), *Consulter.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("相談方法"), choices=[("", "—"), *Channel.choices], required=False
    )
    platforms = forms.MultipleChoiceField(
        label=_("サービス・SNS"),
        choices=Platform.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    # Set by static/js/pii-check.js when the counsellor declines a crisis prompt.
    crisis_declined = forms.MultipleChoiceField(
        choices=CrisisPrompt.choices,
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": UNKNOWN_CODE},
    )
    summary = forms.CharField(
        label=_("概要"),
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PII_HELP,
    )
    serious_bullying = forms.BooleanField(
        label=_("いじめ重大事態として扱う"),
        required=False,
        help_text=_(
            "いじめ防止対策推進法第28条の重大事態（心身・財産への重大な被害、長期の欠席）。"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.desks = list(desks_for(user, roles=(Membership.Role.COUNSELLOR,)))
        self.fields["desk"] = forms.ChoiceField(
            label=_("デスク"),
            choices=[(desk.slug, desk.name) for desk in self.desks],
            error_messages={
                "required": _("デスクを選んでください。"),
                "invalid_choice": _("相談員として所属していないデスクです。"),
            },
        )
        if len(self.desks) == 1:
            self.fields["desk"].initial = self.desks[0].slug

    def desk(self):
        if "desk" not in self.fields:
            return self.desks[0] if self.desks else None
        slug = self.cleaned_data.get("desk") if hasattr(self, "cleaned_data") else None
        slug = (
            slug or self.data.get("desk") or self.initial.get("desk") or self.fields["desk"].initial
        )
        return next((desk for desk in self.desks if desk.slug == slug), None)

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "situation",
                "wishes",
                "categories",
                "flags",
                "age_band",
                "consulter",
                "channel",
                "platforms",
                "summary",
                "crisis_declined",
                "serious_bullying",
            )
        }


class CaseEditForm(IntakeForm):
    """The intake's codes and summary, for correcting a case after it was recorded."""

    def __init__(self, *args, user, desk, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["desk"]
        self.desks = [desk]


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("経過メモ"),
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PII_HELP,
        error_messages={"required": _("メモを入力してください。")},
    )


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label=_("終了の理由"),
        choices=[("", "—"), *Case.ClosureReason.choices],
        error_messages={"required": _("終了の理由を選んでください。")},
    )
    note = forms.CharField(
        label=_("メモ（任意）"),
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosingReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("差し戻す理由"),
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PII_HELP,
        error_messages={"required": _("差し戻す理由を入力してください。")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("再開する理由"),
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("再開する理由を入力してください。")},
    )


class ReassignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("新しい担当者"),
        queryset=User.objects.none(),
        to_field_name="username",
        error_messages={
            "required": _("担当者を選んでください。"),
            "invalid_choice": _("担当者は同じデスクの相談員から選んでください。"),
        },
    )

    def __init__(self, *args, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = counsellors
