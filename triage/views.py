from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.access import desks_for
from triage.engine import suggest_for
from triage.forms import TriageForm


def _desk(request):
    """Return the desk the page acts for: the one chosen, or the user's only desk."""
    desks = list(desks_for(request.user))
    chosen = request.POST.get("desk") or request.GET.get("desk")
    for desk in desks:
        if desk.slug == chosen:
            return desk
    return desks[0] if len(desks) == 1 else None


@login_required
def triage(request):
    form = TriageForm(request.GET or None)
    desk = _desk(request)
    result = suggest_for(form.to_intake(desk=desk), request.user) if form.is_valid() else None
    context = {
        "form": form,
        "result": result,
        "desks": desks_for(request.user),
        "desk": desk,
        "codes": form.cleaned_data if result else {},
        "slip_desk": desk.slug if desk else "",
    }
    return render(request, "triage/triage.html", context)


@login_required
@require_POST
def triage_suggestions(request):
    form = TriageForm(request.POST)
    if not form.is_valid():
        return render(request, "triage/_suggestions.html", {"triage_errors": form.errors})
    desk = _desk(request)
    result = suggest_for(form.to_intake(desk=desk), request.user)
    context = {"result": result, "codes": form.cleaned_data, "slip_desk": desk.slug if desk else ""}
    return render(request, "triage/_suggestions.html", context)
