import re

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import desks_for
from cases.selectors import cases_for
from catalogue.selectors import services_for
from referrals.engine import suggest
from referrals.forms import TriageForm

SLIP_MAX_WINDOWS = 6
# Only a case reference may appear on a slip, never free text that could identify the person.
REFERENCE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+){1,5}")


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
        "referrals/triage.html",
        {"form": form, "result": result, "desks": desks_for(request.user), "desk": desk},
    )


@login_required
@require_POST
def triage_suggestions(request):
    form = TriageForm(request.POST)
    if not form.is_valid():
        return render(request, "referrals/_suggestions.html", {"triage_errors": form.errors})
    result = suggest(form.to_intake(desk=_desk(request)))
    return render(request, "referrals/_suggestions.html", {"result": result})


def _qr_svg(url: str) -> str:
    """Draw a QR code of the address as inline SVG, made here rather than by an outside service."""
    return segno.make(url, error="m").svg_inline(scale=3, border=1, dark="#1c2430")


@login_required
def slip(request):
    slugs = request.GET.getlist("service")[:SLIP_MAX_WINDOWS]
    if not slugs:
        return HttpResponseBadRequest(_("窓口を1つ以上選んでください。"))
    by_slug = {
        service.slug: service for service in services_for(request.user).filter(slug__in=slugs)
    }
    windows = [
        {
            "service": by_slug[slug],
            "qr": mark_safe(_qr_svg(by_slug[slug].url)) if by_slug[slug].url else "",
        }
        for slug in slugs
        if slug in by_slug
    ]
    if not windows:
        return HttpResponseBadRequest(_("選んだ窓口が見つかりません。"))
    reference = request.GET.get("reference", "")
    if not REFERENCE.fullmatch(reference):
        reference = ""
    elif not cases_for(request.user).filter(reference=reference).exists():
        raise Http404
    return render(request, "referrals/slip.html", {"windows": windows, "reference": reference})
