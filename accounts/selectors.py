"""Which desks a user may act on: the one access rule every view, API and task uses."""

from django.db.models import QuerySet

from accounts.models import Desk, Membership, User


def desk_ids_for(user: User, *, roles: tuple[str, ...] | None = None) -> set[int]:
    """Return the ids of the desks the user belongs to, optionally only in the given roles."""
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("desk_id", flat=True))


def desks_for(user: User, *, roles: tuple[str, ...] | None = None) -> QuerySet[Desk]:
    """Return the desks the user belongs to, optionally only in the given roles."""
    return Desk.objects.filter(id__in=desk_ids_for(user, roles=roles))


def supervised_desk_ids(user: User) -> set[int]:
    """Return the ids of the desks the user supervises."""
    return desk_ids_for(user, roles=(Membership.Role.SUPERVISOR,))


def is_supervisor(user: User) -> bool:
    return bool(supervised_desk_ids(user))
