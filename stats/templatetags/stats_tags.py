from django.template import Library

from accounts.selectors import supervised_desk_ids

register = Library()


@register.filter
def supervises_any(user) -> bool:
    """Tell whether the user supervises a desk, so may see the statistics."""
    return bool(supervised_desk_ids(user))
