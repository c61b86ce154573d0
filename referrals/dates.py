"""How a follow-up says the calendar moved it: 2026年12月28日（休日）から移動."""

import datetime

from django.utils.translation import gettext as _

from core.dates import DateStyle, format_date


def moved_from_text(day: datetime.date | None, *, style: str = DateStyle.SEIREKI) -> str:
    """Return the note for a follow-up moved from ``day`` past a day off; empty without one."""
    if day is None:
        return ""
    return _("%(day)s（休日）から移動") % {"day": format_date(day, style=style)}
