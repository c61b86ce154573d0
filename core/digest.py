"""Where a part of the product adds a section to the weekly digest.

The digest itself (``reminders``) sits at the top of the layers, so the parts below it
cannot import it; instead each registers a ``DigestSection`` here from its AppConfig's
``ready()``, and the digest renders every registered section after its own follow-ups.
Adding a section never edits the digest's core.

A section's ``collect`` is called once per batch with every recipient of the batch and
answers, for each digest id, the context its templates render (or ``None`` where it has
nothing for that recipient). It must read whatever it needs in a few grouped queries for
the whole batch, never per recipient, and must only show a recipient the desks they may
read (``readable_desk_ids`` / ``supervised_desk_ids`` come from the access gate).
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.dates import DateStyle


@dataclass(frozen=True)
class DigestRecipient:
    """One digest of a batch, as a section sees it."""

    digest_id: int
    user_id: int
    period: datetime.date
    today: datetime.date
    readable_desk_ids: frozenset[int] = field(default_factory=frozenset)
    supervised_desk_ids: frozenset[int] = field(default_factory=frozenset)
    # How the recipient reads dates (``accounts.dates.date_style_for``): one way in a whole mail.
    date_style: str = DateStyle.SEIREKI


def _always(context: Any) -> bool:
    return True


@dataclass(frozen=True)
class DigestSection:
    """A section of the weekly digest: its templates and how its contents are collected.

    ``has_news`` tells whether a section's context is worth a mail on its own; a digest is
    sent when its follow-ups or any section have news.
    """

    key: str
    text_template: str
    html_template: str
    collect: Callable[[Sequence[DigestRecipient]], Mapping[int, Any]]
    has_news: Callable[[Any], bool] = _always
    order: int = 100


_sections: dict[str, DigestSection] = {}


def register_digest_section(section: DigestSection) -> None:
    """Add a section (again under the same key replaces it, so reloading is harmless)."""
    _sections[section.key] = section


def digest_sections() -> list[DigestSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
