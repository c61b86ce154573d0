from django.template import Library

from accounts.access import desk_ids_for, supervised_desk_ids
from accounts.models import Membership

register = Library()


@register.filter
def supervises_any(user) -> bool:
    """Tell whether the user supervises a desk, so may see the statistics.

    Asked once per request whatever the number of templates that ask: the answer is kept
    on the request's user object, which lives only as long as the request.
    """
    if not hasattr(user, "_supervises_any"):
        user._supervises_any = bool(supervised_desk_ids(user))
    return user._supervises_any


@register.filter
def counsels_any(user) -> bool:
    """Tell whether the user is a counsellor at a desk, so may record an intake."""
    if not hasattr(user, "_counsels_any"):
        user._counsels_any = bool(desk_ids_for(user, roles=(Membership.Role.COUNSELLOR,)))
    return user._counsels_any
