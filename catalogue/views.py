from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import desks_for
from accounts.models import Membership
from catalogue.forms import LocalServiceForm
from catalogue.models import Service
from catalogue.selectors import service_search, services_for
from catalogue.services import local_service_save
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


@login_required
def local_service_edit(request, slug=None):
    # Supervisors read their desks' windows like everything else, but only counsellors edit.
    desks = desks_for(request.user, roles=(Membership.Role.COUNSELLOR,))
    if not desks.exists():
        raise PermissionDenied(_("デスクの窓口を編集できるのは相談員だけです。"))
    service = None
    if slug is not None:
        service = get_object_or_404(Service, slug=slug, scope=Service.Scope.DESK, desk__in=desks)
    form = LocalServiceForm(request.POST or None, instance=service, desks=desks)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in LocalServiceForm.Meta.fields}
        try:
            service = local_service_save(
                user=request.user,
                desk=service.desk if service else form.cleaned_data["desk"],
                fields=fields,
                phone=form.cleaned_data["phone"],
                service=service,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("窓口「%(name)s」を保存しました。") % {"name": service.name}
            )
            return redirect(service)
    return render(request, "catalogue/local_service_form.html", {"form": form, "service": service})
