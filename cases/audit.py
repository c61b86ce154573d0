"""The audit trail: who read, changed or exported which case, when and from where.

Where a request is being served, its client address and path (web, API or admin) are taken
from the request signals, so services and selectors need no request to record them. The
database refuses to update or delete entries (triggers created in migration 0002); only a
whole-database wipe (``flush``, PostgreSQL's TRUNCATE) removes them.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from ipaddress import ip_address

from accounts.models import User
from cases.models import AuditEntry, Case

_request_origin: ContextVar[tuple[str | None, str] | None] = ContextVar(
    "audit_request_origin", default=None
)
_erasable: ContextVar[bool] = ContextVar("audit_erasable", default=False)


def _clean_ip(value: str | None) -> str | None:
    try:
        return str(ip_address((value or "").strip()))
    except ValueError:
        return None


def _via_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return AuditEntry.Via.API
    if path.startswith("/admin/"):
        return AuditEntry.Via.ADMIN
    return AuditEntry.Via.WEB


def request_started(sender, environ=None, scope=None, **kwargs) -> None:
    """Remember where the request being served comes from."""
    if environ is not None:
        ip, path = environ.get("REMOTE_ADDR"), environ.get("PATH_INFO", "")
    elif scope is not None:
        ip, path = (scope.get("client") or (None,))[0], scope.get("path", "")
    else:
        return
    _request_origin.set((_clean_ip(ip), _via_for_path(path)))


def request_finished(sender, **kwargs) -> None:
    _request_origin.set(None)


def current_origin() -> tuple[str | None, str]:
    """Return the client address and path kind of the request being served, if any."""
    return _request_origin.get() or (None, AuditEntry.Via.SYSTEM)


def audit_record(
    *,
    actor: User | None,
    action: str,
    case: Case | None = None,
    desk_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Write one audit entry; ``detail`` holds field names and codes, never free text."""
    ip, via = current_origin()
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        case=case,
        desk_id=case.desk_id if case is not None else desk_id,
        detail=detail or {},
        ip=ip,
        via=via,
    )
    entry.save()
    return entry


def audit_record_many(*, actor: User, action: str, cases: Iterable[Case]) -> None:
    """Write one entry per case in a single query, e.g. for the cases shown on a list page."""
    ip, via = current_origin()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(actor=actor, action=action, case=case, desk_id=case.desk_id, ip=ip, via=via)
            for case in cases
        ]
    )


def erasable() -> int:
    """Tell the SQLite trigger whether a whole-database wipe is under way (1) or not (0)."""
    return int(_erasable.get())


@contextmanager
def whole_database_wipe():
    """Let ``flush`` empty the audit table on SQLite, as TRUNCATE does on PostgreSQL."""
    token = _erasable.set(True)
    try:
        yield
    finally:
        _erasable.reset(token)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give each SQLite connection the function the audit triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("tsunagu_audit_erasable", 0, erasable)
