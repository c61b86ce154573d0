from django.template import Library

from retention.selectors import case_retention

register = Library()


@register.inclusion_tag("retention/_case_retention.html")
def case_retention_status(case):
    """Show on a case (already access-checked) when its text was shredded and any hold on it."""
    return case_retention(case)
