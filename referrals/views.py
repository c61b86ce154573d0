"""Pages for referrals and follow-ups: this week's list, one-step recording, the case's actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dates import user_date
from audit.models import AuditEntry
from audit.services import audit_record_many
from cases.selectors import case_get_for, suggestions_for_case
from catalogue.selectors import services_for
from referrals import selectors, services
from referrals.forms import (
    DeletionRequestForm,
    DigestPreferenceForm,
    FollowUpRecordForm,
    ReferralForm,
    ReferralStatusForm,
)
from referrals.models import Referral


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def week(request):
    """List the overdue follow-ups and those due in the coming seven days."""
    scope = "desk" if request.GET.get("scope") == "desk" else "mine"
    today = timezone.localdate()
    groups = selectors.week_follow_ups(request.user, today=today, assigned_only=scope == "mine")
    audit_record_many(
        actor=request.user,
        action=AuditEntry.Action.LIST,
        cases=[f.case for f in (*groups["overdue"], *groups["due"])],
    )
    context = {**groups, "today": today, "scope": scope}
    return render(request, "referrals/followups_week.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record(request, follow_up_id):
    """Record a follow-up's result, the referral's progress and the next date in one step."""
    follow_up = selectors.follow_up_get_for(
        request.user, follow_up_id, write=request.method == "POST"
    )
    form = FollowUpRecordForm(
        request.POST if request.method == "POST" else None, prefix=f"f{follow_up.pk}"
    )
    if request.method == "POST" and follow_up.is_open and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up = services.follow_up_record(
                follow_up=follow_up,
                result=data["result"],
                by=request.user,
                referral_status=data["referral_status"] or None,
                outcome=data["outcome"] or None,
                next_on=data["next_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            message = _("%(reference)s のフォローアップを記録しました。") % {
                "reference": follow_up.case.reference
            }
            if request.htmx:
                return render(
                    request,
                    "referrals/_followup_row.html",
                    {"follow_up": follow_up, "today": timezone.localdate(), "status": message},
                )
            messages.success(request, message)
            return redirect("followups:week")
    template = "referrals/_followup_form.html" if request.htmx else "referrals/followup_record.html"
    return render(request, template, {"follow_up": follow_up, "form": form})


def _moved_note(user, computed, day) -> str:
    """Say that the calendar moved a computed date, and from which day."""
    if computed is None:
        return ""
    return _("（%(computed)s は休日・休業日のため、確認は次の営業日の %(day)s にしました。）") % {
        "computed": user_date(user, computed),
        "day": user_date(user, day),
    }


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, reference):
    """Record a referral of the case to a window, from a suggestion or the catalogue."""
    case = case_get_for(request.user, reference, write=request.method == "POST")
    initial = {}
    if slug := request.GET.get("service"):
        initial["service"] = services_for(request.user).filter(slug=slug).first()
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        services=services_for(request.user),
    )
    if request.htmx and request.method == "POST":
        return _refer_in_place(request, case, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_record(
                case=case,
                service=data["service"],
                method=data["method"],
                consent=data["consent"],
                follow_up_on=data["follow_up_on"],
                referred_by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("「%(name)s」への案内を記録しました。フォローアップは %(date)s です。")
                % {
                    "name": referral.service_name,
                    "date": user_date(request.user, due_on := referral.follow_ups.first().due_on),
                }
                + _moved_note(request.user, referral.follow_up_moved_from, due_on),
            )
            return redirect(case)
    _order_windows(form, case, request.user)
    return render(request, "referrals/referral_form.html", {"case": case, "form": form})


def _order_windows(form: ReferralForm, case, user) -> None:
    """List urgent suggestions first, then by suggestion rank, then every other window by name."""
    ranked = {
        s.service.pk: (0 if s.urgent else 1, s.rank)
        for s in suggestions_for_case(case, user).suggestions
    }
    field = form.fields["service"]
    assert isinstance(field, forms.ModelChoiceField)
    windows = sorted(
        field.queryset or (),
        key=lambda service: (*ranked.get(service.pk, (2, 0)), service.display_name.casefold()),
    )
    field.choices = [("", field.empty_label or "")] + [
        (service.pk, service.display_name) for service in windows
    ]


def _refer_in_place(request, case, form: ReferralForm):
    """Record a referral from a suggestion card and answer the card's new state."""
    context = {
        "case": case,
        "methods": Referral.Method.choices,
        "chosen_method": request.POST.get("method", ""),
        "consent": bool(request.POST.get("consent")),
        "follow_up_on": request.POST.get("follow_up_on", ""),
    }
    if form.is_valid():
        data = form.cleaned_data
        context["service"] = data["service"]
        try:
            referral = services.referral_record(
                case=case,
                service=data["service"],
                method=data["method"],
                consent=data["consent"],
                follow_up_on=data["follow_up_on"],
                referred_by=request.user,
            )
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            context["referral"] = referral
            context["status"] = _("「%(name)s」への案内を記録しました。") % {
                "name": referral.service.display_name
            }
            return render(request, "referrals/_suggestion_referral.html", context)
    else:
        context["errors"] = [error for errors in form.errors.values() for error in errors]
        service = form.cleaned_data.get("service")
        if service is None:
            return HttpResponseBadRequest(" ".join(context["errors"]))
        context["service"] = service
    # The card shows the refusal in place; htmx swaps only a successful answer.
    return render(request, "referrals/_suggestion_referral.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deletion_request(request, reference):
    """Record a deletion request to a designated platform; its 7-day deadline is followed up."""
    case = case_get_for(request.user, reference, write=request.method == "POST")
    form = DeletionRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"sent_on": timezone.localdate()},
        platforms=selectors.designated_platforms(),
        referrals=case.referrals.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            request_ = services.deletion_request_record(
                case=case, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(platform)s への削除の申出を記録しました。回答期限 %(date)s に確認します。")
                % {
                    "platform": request_.platform.name,
                    "date": user_date(request.user, request_.decision_due_on),
                }
                + _moved_note(request.user, request_.follow_up_moved_from, request_.follow_up_on),
            )
            return redirect(case)
    return render(request, "referrals/referral_deletion_form.html", {"case": case, "form": form})


@login_required
@require_POST
def referral_status(request, referral_id):
    """Move a referral along its lifecycle from the case page."""
    referral = selectors.referral_get_for(request.user, referral_id, write=True)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_update(
                referral=referral,
                by=request.user,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"] or None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("案内の状況を更新しました。"))
    else:
        messages.error(request, _("状況と結果を選び直してください。"))
    return redirect(referral.case)


@login_required
@require_http_methods(["GET", "POST"])
def digest_settings(request):
    """Choose the day and hour of the weekly reminder, or pause it."""
    form = DigestPreferenceForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.digest_preferences_update(
            user=request.user,
            weekday=form.cleaned_data["digest_weekday"],
            hour=form.cleaned_data["digest_hour"],
            paused=form.cleaned_data["digest_paused"],
        )
        messages.success(request, _("週間リマインダーの設定を保存しました。"))
        return redirect("followups:settings")
    return render(request, "referrals/followups_settings.html", {"form": form})
