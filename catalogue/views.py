from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from catalogue.selectors import service_search, services_for
from catalogue.vocabulary import Action, Category, Channel


def _code(request, name, choices) -> str:
    value = request.GET.get(name, "")
    return value if value in choices.values else ""


@login_required
def service_list(request):
    filters = {
        "query": request.GET.get("q", "").strip()[:100],
        "action": _code(request, "action", Action),
        "channel": _code(request, "channel", Channel),
        "category": _code(request, "category", Category),
        "children": request.GET.get("children") == "1",
    }
    services = service_search(services_for(request.user), **filters)
    context = {
        "services": services,
        "filters": filters,
        "actions": Action.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
    }
    template = "catalogue/_results.html" if request.htmx else "catalogue/service_list.html"
    return render(request, template, context)


@login_required
def service_detail(request, slug):
    service = services_for(request.user).filter(slug=slug).first()
    if service is None:
        raise Http404
    return render(request, "catalogue/service_detail.html", {"service": service})
