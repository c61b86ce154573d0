from django.template import Library
from django.utils import timezone

from deadlines.selectors import case_clocks

register = Library()


@register.inclusion_tag("deadlines/_case_clocks.html", takes_context=True)
def case_clocks_section(context, case, can_change=False):
    """Show a case's legal clocks (the case is already access-checked) and, to its counsellors,
    the forms that start, step and close them."""
    return {
        **case_clocks(case),
        "case": case,
        "today": timezone.localdate(),
        "can_change": can_change and not case.is_closed,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
