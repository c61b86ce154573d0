"""The one access gate: which desks a user may read or act on.

Every path asks here and nowhere else: HTML views and forms (``desks_for``,
``require_supervisor``), the API (``DeskScopedViewSet``), templates (the ``access`` tag
library), exports, and tasks and mail, which read many users at once
(``desk_access_by_user``). A membership is the only thing that grants a desk; a user who is
not active, or who has been removed from a desk, gets nothing of it on the next request,
the next page and the next mail.

Answers are the same on every path: a case or row outside the user's desks does not
exist for them (404); statistics and the audit trail, to someone who supervises no desk,
are refused (403).
"""

import functools
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets
from rest_framework.permissions import SAFE_METHODS

from accounts.models import Desk, Membership, User


def desk_ids_for(user: User | AnonymousUser, *, roles: tuple[str, ...] | None = None) -> set[int]:
    """Return the ids of the desks the user belongs to, optionally only in the given roles."""
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("desk_id", flat=True))


def desks_for(
    user: User | AnonymousUser, *, roles: tuple[str, ...] | None = None
) -> QuerySet[Desk]:
    """Return the desks the user belongs to, optionally only in the given roles."""
    return Desk.objects.filter(id__in=desk_ids_for(user, roles=roles))


def supervised_desk_ids(user: User | AnonymousUser) -> set[int]:
    """Return the ids of the desks the user supervises."""
    return desk_ids_for(user, roles=(Membership.Role.SUPERVISOR,))


def require_supervisor(user: User | AnonymousUser) -> set[int]:
    """Return the desks the user supervises; refuse (403) anyone who supervises none."""
    desk_ids = supervised_desk_ids(user)
    if not desk_ids:
        raise PermissionDenied(_("統計と監査記録はスーパーバイザーだけが見られます。"))
    return desk_ids


@dataclass(frozen=True)
class DeskAccess:
    """The desks one user may read, and among them the ones they supervise."""

    readable: frozenset[int] = frozenset()
    supervised: frozenset[int] = frozenset()


def desk_access_by_user(user_ids: Iterable[int]) -> dict[int, DeskAccess]:
    """Return, for many users at once, the desks each may read and supervise (tasks, mail).

    Inactive users get no desks, like ``desk_ids_for``. One query for any number of users;
    a user with no membership is absent, and ``.get(user_id, DeskAccess())`` reads as none.
    """
    readable: dict[int, set[int]] = defaultdict(set)
    supervised: dict[int, set[int]] = defaultdict(set)
    memberships = Membership.objects.filter(user_id__in=list(user_ids), user__is_active=True)
    for user_id, desk_id, role in memberships.values_list("user_id", "desk_id", "role"):
        readable[user_id].add(desk_id)
        if role == Membership.Role.SUPERVISOR:
            supervised[user_id].add(desk_id)
    return {
        user_id: DeskAccess(frozenset(desks), frozenset(supervised[user_id]))
        for user_id, desks in readable.items()
    }


def desk_supervisors(desk_id: int) -> QuerySet[User]:
    """Return the active users who supervise the desk: who is told of its urgent cases."""
    return User.objects.filter(
        is_active=True,
        memberships__desk_id=desk_id,
        memberships__role=Membership.Role.SUPERVISOR,
    ).distinct()


# The wrappers made below, so that a subclass reusing an already wrapped method is not
# wrapped again.
_desk_scoped: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def _scoped_queryset(
    method: Callable[["DeskScopedViewSet"], QuerySet[Any]],
) -> Callable[["DeskScopedViewSet"], QuerySet[Any]]:
    @functools.wraps(method)
    def get_queryset(self: DeskScopedViewSet) -> QuerySet[Any]:
        return self.scope(method(self))

    _desk_scoped.add(get_queryset)
    return get_queryset


def _scoped_object(
    method: Callable[["DeskScopedViewSet"], Any],
) -> Callable[["DeskScopedViewSet"], Any]:
    @functools.wraps(method)
    def get_object(self: DeskScopedViewSet) -> Any:
        obj = method(self)
        self.check_desk(obj)
        return obj

    _desk_scoped.add(get_object)
    return get_object


class DeskScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows are always cut to the desks of the user asking.

    Subclass it for any API over cases or rows that belong to a case (PostHog-style: access
    control in one place). Set ``queryset``; the desk is found through the model's ``desk``
    field, or ``case__desk`` when it has a ``case``, or set ``desk_lookup`` to another path.

    - Whatever a subclass's own ``get_queryset`` returns is filtered again to the user's
      desks (it is wrapped when the class is created), so overriding it cannot widen access.
    - Whatever ``get_object`` returns is checked again: another desk's row is a 404.
    - Unsafe methods on an object need a counsellor membership of its desk: a supervisor who
      only reads that desk gets 403.
    """

    desk_lookup: str | None = None
    _readable_desk_ids: set[int]
    _writable_desk_ids: set[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        wrappers: dict[str, Callable[[Any], Callable[..., Any]]] = {
            "get_queryset": _scoped_queryset,
            "get_object": _scoped_object,
        }
        for name, wrap in wrappers.items():
            own = cls.__dict__.get(name)
            if own is not None and own not in _desk_scoped:
                setattr(cls, name, wrap(own))

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(super().get_queryset())

    def get_object(self) -> Any:
        obj = super().get_object()
        self.check_desk(obj)
        return obj

    def readable_desk_ids(self) -> set[int]:
        if not hasattr(self, "_readable_desk_ids"):
            self._readable_desk_ids = desk_ids_for(self.request.user)
        return self._readable_desk_ids

    def writable_desk_ids(self) -> set[int]:
        if not hasattr(self, "_writable_desk_ids"):
            self._writable_desk_ids = desk_ids_for(
                self.request.user, roles=(Membership.Role.COUNSELLOR,)
            )
        return self._writable_desk_ids

    def desk_path(self, model: type[Model]) -> str:
        if self.desk_lookup:
            return self.desk_lookup
        names = {field.name for field in model._meta.get_fields()}
        if "desk" in names:
            return "desk"
        if "case" in names:
            return "case__desk"
        raise ImproperlyConfigured(f"{type(self).__name__} needs desk_lookup for {model.__name__}.")

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        path = self.desk_path(queryset.model)
        return queryset.filter(**{f"{path}_id__in": self.readable_desk_ids()})

    def check_desk(self, obj: Model) -> None:
        *hops, last = self.desk_path(type(obj)).split("__")
        target = obj
        for hop in hops:
            target = getattr(target, hop)
        desk_id = getattr(target, f"{last}_id")
        if desk_id not in self.readable_desk_ids():
            raise Http404
        if self.request.method not in SAFE_METHODS and desk_id not in self.writable_desk_ids():
            raise exceptions.PermissionDenied(_("このデスクの相談を変更できるのは相談員だけです。"))


def supervisor_emails(desk_id: int) -> list[str]:
    """Return the addresses of the active supervisors of the desk (the unusual-access mail)."""
    return list(
        Membership.objects.filter(
            desk_id=desk_id, role=Membership.Role.SUPERVISOR, user__is_active=True
        )
        .exclude(user__email="")
        .order_by("user__username")
        .values_list("user__email", flat=True)
    )
