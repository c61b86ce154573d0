"""Reads of the catalogue, scoped to what a member of staff may be shown."""

from django.db.models import Q, QuerySet

from accounts.access import desk_ids_for
from accounts.models import Desk, User
from catalogue.models import EvidenceItem, Service


def services_for(user: User, *, include_inactive: bool = False) -> QuerySet[Service]:
    """Return the national windows plus the local ones of the user's desks and their areas."""
    desks = Desk.objects.filter(id__in=desk_ids_for(user))
    prefectures = {desk.prefecture for desk in desks}
    municipalities = {desk.municipality for desk in desks if desk.municipality}
    services = Service.objects.filter(
        Q(scope=Service.Scope.NATIONAL)
        | Q(scope=Service.Scope.PREFECTURE, prefecture__in=prefectures)
        | Q(scope=Service.Scope.MUNICIPALITY, municipality__in=municipalities)
        | Q(scope=Service.Scope.DESK, desk__in=desks)
    )
    if not include_inactive:
        services = services.active()
    return services.select_related("organization").prefetch_related("phones", "schedules")


def service_search(
    services: QuerySet[Service],
    *,
    query: str = "",
    action: str = "",
    channel: str = "",
    category: str = "",
    children: bool = False,
) -> list[Service]:
    """Filter windows by words and codes, in catalogue order.

    Code lists are JSON, which SQLite cannot search inside, and the catalogue holds tens of
    entries, so the code filters run over the loaded rows.
    """
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(name_en__icontains=query)
            | Q(description__icontains=query)
            | Q(organization__name__icontains=query)
            | Q(slug__icontains=query)
        )
    if children:
        services = services.filter(audience="children")
    found = list(services)
    if action:
        found = [service for service in found if action in service.actions]
    if channel:
        found = [service for service in found if channel in service.channels]
    if category:
        found = [
            service for service in found if not service.categories or category in service.categories
        ]
    return found


def evidence_checklist(*, csam: bool, deletion: bool, disclosure: bool) -> list[EvidenceItem]:
    """Return the checklist lines for a situation; a child's sexual image has its own list."""
    if csam:
        wanted = [EvidenceItem.Applies.CSAM]
    else:
        wanted = [EvidenceItem.Applies.ALWAYS]
        if deletion:
            wanted.append(EvidenceItem.Applies.DELETION)
        if disclosure:
            wanted.append(EvidenceItem.Applies.DISCLOSURE)
    return list(EvidenceItem.objects.active().filter(applies__in=wanted))
