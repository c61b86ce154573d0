from django.template import Library

from triage.picks import default_slip_picks

register = Library()


@register.simple_tag
def slip_picks(result, referred=None) -> set[str]:
    """Return the slugs of the suggestions the slip carries by default."""
    return default_slip_picks(result, referred or ())
