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
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from audit.models import AuditEntry, StagedEntry

# Any fixed number: the one advisory lock that orders every append to the chain.
ADVISORY_LOCK_ID = 0x7473_756E_6167_75  # "tsunagu"
GENESIS = ""
# Staged entries sealed per transaction: the chain's lock is held for this many rows at most.
SEAL_CHUNK = 25


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
    return _seal(previous, content(entry))


def _seal(previous: str, body: bytes) -> str:
    return hmac.new(_key(), previous.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_ID])


class _Insert:
    """One INSERT of many entries, rendered before the chain's lock is taken.

    Every other append waits while the lock is held, so the work that does not need the
    previous seal (each entry's canonical content, the statement and its parameters) is done
    first; under the lock only the seals are computed and the one statement runs.
    """

    def __init__(self, entries: Sequence[AuditEntry]):
        self.entries = entries
        self.bodies = [content(entry) for entry in entries]
        meta = AuditEntry._meta
        self.fields = [f for f in meta.concrete_fields if f is not meta.pk]
        self.seal_at = self.fields.index(meta.get_field("seal"))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column or f.attname) for f in self.fields)
        row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} "
            f"({columns}) VALUES {', '.join([row] * len(entries))} "
            f"RETURNING {quote(meta.pk.column or meta.pk.attname)}"
        )
        self.rows = [
            [f.get_db_prep_save(f.pre_save(entry, add=True), connection) for f in self.fields]
            for entry in entries
        ]

    def run(self, previous: str) -> None:
        params: list[Any] = []
        for entry, body, row in zip(self.entries, self.bodies, self.rows, strict=True):
            entry.seal = previous = _seal(previous, body)
            row[self.seal_at] = entry.seal
            params += row
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            for entry, (pk,) in zip(self.entries, cursor.fetchall(), strict=True):
                entry.pk = pk
                entry._state.adding = False
                entry._state.db = connection.alias


def append(entries: Sequence[AuditEntry]) -> None:
    """Seal and store the entries at the end of the chain, in one serialised transaction."""
    if not entries:
        return
    insert = _Insert(entries) if connection.vendor == "postgresql" and len(entries) > 1 else None
    with transaction.atomic():
        _lock()
        previous = (
            AuditEntry.objects.order_by("-id").values_list("seal", flat=True).first() or GENESIS
        )
        if insert is not None:
            insert.run(previous)
            return
        for entry in entries:
            entry.seal = seal(previous, entry)
            previous = entry.seal
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)


def stage(entries: Sequence[AuditEntry]) -> None:
    """Store the entries in the caller's transaction, to be sealed into the chain after it.

    For a bulk job: the job's work and its entries commit or vanish together, and no lock
    every other append waits for is held while the job runs. Call ``seal_staged`` once the
    job's transaction has committed.
    """
    fields = [f.attname for f in StagedEntry._meta.concrete_fields if not f.primary_key]
    StagedEntry.objects.bulk_create(
        StagedEntry(**{name: getattr(entry, name) for name in fields}) for entry in entries
    )


def seal_staged(chunk: int = SEAL_CHUNK) -> int:
    """Move every staged entry into the chain, ``chunk`` at a time, in the order staged.

    Each chunk is one short transaction that takes the staged rows (skipping any another
    sealer holds), removes them and appends them, so an entry is sealed exactly once however
    many sealers run, and a sealer killed midway leaves the rest staged for the next one. The
    chunk commits without waiting for its WAL to reach the disk, so the chain's lock is not
    held through a flush: a crash can only lose whole chunks, whose staged rows then come back
    with them, and the next append's own commit flushes every chunk it builds on.
    Returns how many entries were sealed.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            staged = list(
                StagedEntry.objects.select_for_update(skip_locked=True).order_by("id")[:chunk]
            )
            if not staged:
                return sealed
            StagedEntry.objects.filter(id__in=[row.id for row in staged]).delete()
            append([row.entry() for row in staged])
        sealed += len(staged)


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
