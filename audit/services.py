"""The audit trail: who read, changed or exported which case, when and from where.

Where a request is being served, its client address and path (web, API or admin) are taken
from the request signals, so services and selectors need no request to record them. Behind
a reverse proxy listed in ``TRUSTED_PROXIES`` the client address is read from
X-Forwarded-For; from anyone else that header is ignored, as anyone can send it. The
database refuses to update or delete entries (triggers created in audit migration 0002); only a
whole-database wipe (``flush``, PostgreSQL's TRUNCATE) removes them, and every entry is sealed
into an HMAC chain (audit/chain.py) that ``manage.py audit verify`` checks.

Outside a request, an entry is marked as written by a Celery task while one runs, and
otherwise by a management command (or the shell).
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit import anomalies, chain
from audit.models import AuditEntry


class CaseLike(Protocol):
    """What an entry takes from a case: its reference and desk, copied as values."""

    reference: str
    desk_id: int


_request_origin: ContextVar[tuple[str | None, str] | None] = ContextVar(
    "audit_request_origin", default=None
)
_erasable: ContextVar[bool] = ContextVar("audit_erasable", default=False)
_in_task: ContextVar[bool] = ContextVar("audit_in_task", default=False)
_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)


def _clean_ip(value: str | None) -> str | None:
    """Return the address in canonical form, without a port or brackets; None if unreadable."""
    value = (value or "").strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ip_address(value))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(ip: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    address = ip_address(ip)
    return any(address in network for network in networks)


def client_ip(remote_addr: str | None, forwarded_for: str | None) -> str | None:
    """Return the client's address: the peer's, or behind trusted proxies the forwarded one.

    Only when the peer is a trusted proxy is X-Forwarded-For read, from the right: each
    trusted proxy appends the address it saw, so the right-most hop that is not a trusted
    proxy is the client. Hops further left were written by the client and prove nothing.
    """
    peer = _clean_ip(remote_addr)
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if peer is None or not forwarded_for or not _is_trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        ip = _clean_ip(hop)
        if ip is None:
            break
        client = ip
        if not _is_trusted(ip, networks):
            break
    return client


def _via_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return AuditEntry.Via.API
    if path.startswith("/admin/"):
        return AuditEntry.Via.ADMIN
    return AuditEntry.Via.WEB


def request_started(
    sender: object,
    environ: Mapping[str, Any] | None = None,
    scope: Mapping[str, Any] | None = None,
    **kwargs: object,
) -> None:
    """Remember where the request being served comes from."""
    if environ is not None:
        ip = client_ip(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"))
        path = environ.get("PATH_INFO", "")
    elif scope is not None:
        forwarded = b",".join(
            value for name, value in scope.get("headers", ()) if name == b"x-forwarded-for"
        )
        ip = client_ip((scope.get("client") or (None,))[0], forwarded.decode("latin-1"))
        path = scope.get("path", "")
    else:
        return
    _request_origin.set((ip, _via_for_path(path)))


def request_finished(sender: object, **kwargs: object) -> None:
    _request_origin.set(None)
    _actor.set(None)


def task_started(sender: object = None, **kwargs: object) -> None:
    _in_task.set(True)


def task_finished(sender: object = None, **kwargs: object) -> None:
    _in_task.set(False)


def current_origin() -> tuple[str | None, str]:
    """Return the client address and channel of what is running: a request, a task or a command."""
    origin = _request_origin.get()
    if origin is not None:
        return origin
    return None, AuditEntry.Via.TASK if _in_task.get() else AuditEntry.Via.COMMAND


def set_current_actor(user: Any) -> None:
    """Remember who the request being served is for, so model changes name their author."""
    _actor.set(user)


def current_actor() -> Any:
    user = _actor.get()
    return user if user is not None and user.is_authenticated else None


def _actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def audit_record(
    *,
    actor: Any,
    action: str,
    case: CaseLike | None = None,
    desk_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Write one audit entry; ``detail`` holds field names and codes, never free text."""
    ip, via = current_origin()
    entry = AuditEntry(
        actor=_actor_or_none(actor),
        action=action,
        case_reference=case.reference if case is not None else "",
        desk_id=case.desk_id if case is not None else desk_id,
        detail=detail or {},
        ip=ip,
        via=via,
    )
    # One transaction, so the unusual-access check runs under the chain's lock: two reads at
    # once cannot both open the same episode.
    with transaction.atomic():
        chain.append([entry])
        if action == AuditEntry.Action.VIEW and entry.actor_id is not None and entry.case_reference:
            anomalies.note_read(entry)
    return entry


def audit_record_many(*, actor: Any, action: str, cases: Iterable[CaseLike]) -> None:
    """Write one entry per case in a single query, e.g. for the cases shown on a list page.

    A case shown several times (say, by two of its follow-ups) gets one entry.
    """
    ip, via = current_origin()
    unique = {case.reference: case for case in cases}
    chain.append(
        [
            AuditEntry(
                actor=_actor_or_none(actor),
                action=action,
                case_reference=case.reference,
                desk_id=case.desk_id,
                ip=ip,
                via=via,
            )
            for case in unique.values()
        ]
    )


def erasable() -> int:
    """Tell the SQLite trigger whether a whole-database wipe is under way (1) or not (0)."""
    return int(_erasable.get())


@contextmanager
def whole_database_wipe() -> Iterator[None]:
    """Let ``flush`` empty the audit table on SQLite, as TRUNCATE does on PostgreSQL."""
    token = _erasable.set(True)
    try:
        yield
    finally:
        _erasable.reset(token)


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """Give each SQLite connection the function the audit triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("tsunagu_audit_erasable", 0, erasable)
