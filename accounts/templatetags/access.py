from django.template import Library

from accounts.access import supervised_desk_ids

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
