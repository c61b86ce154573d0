"""The catalogue's public entries that the personal-data guard lets through, read at run time.

A window's phone numbers, the sites of windows and organisations, and their names lead to no
one, so a counsellor may write them. They are read from the catalogue itself, never copied:
cases.pii keeps the answer for a few minutes, and a change to the catalogue forgets it at
once in this process (other processes read it again within PUBLIC_ENTRIES_MAX_AGE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

from cases import pii
from catalogue import seed
from catalogue.models import Organization, Phone, Service


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _digits(number: str) -> str:
    return re.sub(r"[^0-9]", "", number)


def _entries(
    urls: Iterable[str], numbers: Iterable[str], names: Iterable[str]
) -> pii.PublicEntries:
    return pii.PublicEntries(
        phone_numbers=frozenset(filter(None, map(_digits, numbers))),
        hosts=frozenset(filter(None, map(_host, urls))),
        names=tuple(sorted({name for name in names if name})),
    )


def _from_seed() -> pii.PublicEntries:
    """The catalogue as it is first loaded, for scripts run without a database."""
    services: list[dict[str, Any]] = seed.SERVICES
    return _entries(
        [url for *_, url in seed.ORGANIZATIONS]
        + [entry.get(key, "") for entry in services for key in ("url", "source_url")],
        [number for entry in services for number, *_ in entry["phones"]],
        [name for _, name, *_ in seed.ORGANIZATIONS] + [entry["name"] for entry in services],
    )


def catalogue_entries() -> pii.PublicEntries:
    """Read the catalogue's numbers, sites and names from the database."""
    try:
        services = list(Service.objects.values_list("url", "source_url", "name"))
        organizations = list(Organization.objects.values_list("url", "name"))
        numbers = list(Phone.objects.values_list("number", flat=True))
    except (DatabaseError, RuntimeError):
        # No database to read (a script, or a test that may not touch one): the seed is the
        # catalogue such a process would have.
        return _from_seed()
    return _entries(
        [url for url, source, _ in services]
        + [source for _, source, _ in services]
        + [url for url, _ in organizations],
        numbers,
        [name for *_, name in services] + [name for _, name in organizations],
    )


def _forget(**kwargs: Any) -> None:
    pii.invalidate_public_entries()


def connect() -> None:
    """Read the catalogue for the guard, and forget what was read whenever it changes."""
    pii.register_public_entries(catalogue_entries)
    for model in (Organization, Service, Phone):
        post_save.connect(_forget, sender=model, dispatch_uid=f"pii-public-save-{model.__name__}")
        post_delete.connect(
            _forget, sender=model, dispatch_uid=f"pii-public-delete-{model.__name__}"
        )
