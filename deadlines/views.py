"""Pages for legal clocks: the deadline board, and starting, stepping and closing a clock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import audit_record_many
from cases.selectors import case_get_for
from deadlines import selectors, services
from deadlines.forms import ClockCloseForm, ClockStartForm, ClockStepForm


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def board(request):
    """List every open case's clocks and waiting follow-ups, soonest first."""
    today = timezone.localdate()
    context = selectors.board_rows(request.user, today=today)
    audit_record_many(
        actor=request.user, action=AuditEntry.Action.LIST, cases=[r.case for r in context["rows"]]
    )
    return render(request, "deadlines/board.html", {**context, "today": today})


def _refused(request, case, form, title):
    return render(
        request,
        "deadlines/clock_form.html",
        {"case": case, "form": form, "title": title},
        status=400,
    )


def _back(case):
    return redirect(f"{case.get_absolute_url()}#clocks")


@login_required
@require_POST
def clock_start(request, reference):
    case = case_get_for(request.user, reference, write=True)
    form = ClockStartForm(request.POST)
    if form.is_valid():
        try:
            kind = services.kind_for_code(form.cleaned_data["kind"])
            clock = services.clock_start(
                case=case, kind=kind, started_on=form.cleaned_data["started_on"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s の期限を記録しました。") % {"kind": clock.kind.display_name},
            )
            return _back(case)
    return _refused(request, case, form, _("期限を記録できませんでした"))


@login_required
@require_POST
def clock_step(request, reference):
    case = case_get_for(request.user, reference, write=True)
    form = ClockStepForm(request.POST)
    if form.is_valid():
        try:
            clock = services.clock_get_for_change(request.user, case, form.cleaned_data["clock"])
            services.clock_step_record(
                clock=clock,
                step=form.cleaned_data["step"],
                done_on=form.cleaned_data["done_on"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("手続の段階を記録しました。"))
            return _back(case)
    return _refused(request, case, form, _("手続の段階を記録できませんでした"))


@login_required
@require_POST
def clock_close(request, reference):
    case = case_get_for(request.user, reference, write=True)
    form = ClockCloseForm(request.POST)
    if form.is_valid():
        try:
            clock = services.clock_get_for_change(request.user, case, form.cleaned_data["clock"])
            services.clock_close(clock=clock, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("期限を終えました。"))
            return _back(case)
    return _refused(request, case, form, _("期限を終えられませんでした"))
