"""The audit trail's HMAC chain: each entry is sealed over its content and the previous seal.

The key (``AUDIT_KEY``) lives in the environment, never in the database, so a role that may
INSERT into the table — or even one that owns it — cannot add, change or remove an entry in
the middle of the trail without ``audit verify`` naming the first entry that no longer fits.
Appends are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: its immediate
transactions) so the chain stays one line however many processes write at once.
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from audit.models import AuditEntry

# Any fixed number: the one advisory lock that orders every append to the chain.
ADVISORY_LOCK_ID = 0x7473_756E_6167_75  # "tsunagu"
GENESIS = ""


def _key() -> bytes:
    key = settings.AUDIT_KEY
    if not key:
        raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is false.")
    return key.encode()


def content(entry: AuditEntry) -> bytes:
    """Return the entry's sealed content in one canonical form, as stored and as read back."""
    ip = AuditEntry._meta.get_field("ip").get_prep_value(entry.ip)
    values = [
        entry.at.astimezone(datetime.UTC).isoformat(),
        entry.actor_id,
        entry.action,
        entry.case_reference,
        entry.desk_id,
        entry.detail,
        ip,
        entry.via,
    ]
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(previous: str, entry: AuditEntry) -> str:
    """Return the HMAC-SHA256 of the previous seal and this entry's content."""
    return hmac.new(_key(), previous.encode() + b"\n" + content(entry), hashlib.sha256).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_ID])


def append(entries: Sequence[AuditEntry]) -> None:
    """Seal and store the entries at the end of the chain, in one serialised transaction."""
    if not entries:
        return
    with transaction.atomic():
        _lock()
        previous = (
            AuditEntry.objects.order_by("-id").values_list("seal", flat=True).first() or GENESIS
        )
        for entry in entries:
            entry.seal = seal(previous, entry)
            previous = entry.seal
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)


def first_break(entries: Iterable[AuditEntry]) -> AuditEntry | None:
    """Return the first entry, in the order given, whose seal does not follow; None if intact."""
    previous = GENESIS
    for entry in entries:
        if not hmac.compare_digest(entry.seal, seal(previous, entry)):
            return entry
        previous = entry.seal
    return None


def verify() -> AuditEntry | None:
    """Check the whole trail in the order it was written; return the first broken entry."""
    return first_break(AuditEntry.objects.order_by("id").iterator(chunk_size=2000))
