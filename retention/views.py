"""The supervisors' list of legal holds: place one on a case, see their age, lift them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import require_supervisor
from retention import selectors, services
from retention.forms import HandoverForm, HoldForm, LiftForm
from retention.handovers import case_hand_over, handovers_for


@login_required
@require_http_methods(["GET", "POST"])
def holds(request):
    """List the holds in force on the supervisor's desks; a POST places a new one."""
    require_supervisor(request.user)
    form = HoldForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                hold = services.legal_hold_place(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("%(reference)s を保全しました。") % {"reference": hold.case.reference},
                )
                return redirect("retention:holds")
        status = 400
    today = timezone.localdate()
    rows = [
        {"hold": hold, "days": (today - timezone.localdate(hold.placed_at)).days}
        for hold in selectors.active_holds_for(request.user)
    ]
    return render(request, "retention/holds.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_POST
def hold_lift(request):
    """Lift one hold of the supervisor's desks."""
    require_supervisor(request.user)
    form = LiftForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("解除する保全を選んでください。"))
    try:
        hold = services.legal_hold_lift(by=request.user, hold_id=form.cleaned_data["hold"])
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    messages.success(
        request, _("%(reference)s の保全を解除しました。") % {"reference": hold.case.reference}
    )
    return redirect("retention:holds")


@login_required
@require_http_methods(["GET", "POST"])
def handovers(request):
    """The open cases whose owner left the desk; a POST gives one to a counsellor."""
    require_supervisor(request.user)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = HandoverForm(request.POST)
        if form.is_valid():
            try:
                case = case_hand_over(
                    by=request.user,
                    reference=form.cleaned_data["reference"],
                    assignee_id=form.cleaned_data["assignee"],
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("%(reference)s を %(assignee)s さんに引き継ぎました。")
                    % {"reference": case.reference, "assignee": case.assigned_to},
                )
                return redirect("retention:handovers")
        else:
            errors = [m for ms in form.errors.values() for m in ms]
        status = 400
    context = {"rows": handovers_for(request.user), "form_errors": errors}
    return render(request, "retention/handovers.html", context, status=status)
