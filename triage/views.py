from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.access import desks_for
from triage.engine import suggest
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
    result = suggest(form.to_intake(desk=desk)) if form.is_valid() else None
    return render(
        request,
        "triage/triage.html",
        {"form": form, "result": result, "desks": desks_for(request.user), "desk": desk},
    )


@login_required
@require_POST
def triage_suggestions(request):
    form = TriageForm(request.POST)
    if not form.is_valid():
        return render(request, "triage/_suggestions.html", {"triage_errors": form.errors})
    result = suggest(form.to_intake(desk=_desk(request)))
    return render(request, "triage/_suggestions.html", {"result": result})
