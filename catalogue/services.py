"""Writes to the catalogue made by desk staff (admins use the admin site)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.access import desk_ids_for
from accounts.models import Desk, Membership, User
from catalogue.models import Organization, Phone, Service


def _unique_slug(desk: Desk, name: str) -> str:
    base = f"{desk.slug}-{slugify(name, allow_unicode=False) or 'window'}"[:50]
    slug, n = base, 2
    while Service.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def local_service_save(
    *,
    user: User,
    desk: Desk,
    fields: dict,
    phone: str = "",
    service: Service | None = None,
) -> Service:
    """Create or update one of a desk's own windows, as a member of that desk."""
    if desk.id not in desk_ids_for(user, roles=(Membership.Role.COUNSELLOR,)):
        raise PermissionDenied
    if service is None:
        organization, _ = Organization.objects.get_or_create(
            slug=f"desk-{desk.slug}", defaults={"name": desk.name}
        )
        service = Service(
            slug=_unique_slug(desk, fields.get("name_en") or ""),
            organization=organization,
            scope=Service.Scope.DESK,
            desk=desk,
        )
    elif service.desk_id != desk.id:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(service, name, value)
    service.last_verified = timezone.localdate()
    service.full_clean()
    service.save()
    main_phone = service.phones.first()
    if not phone:
        if main_phone is not None:
            main_phone.delete()
    elif main_phone is None:
        Phone.objects.create(service=service, number=phone)
    elif main_phone.number != phone:
        main_phone.number = phone
        main_phone.save(update_fields=["number"])
    return service
