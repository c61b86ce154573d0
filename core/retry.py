"""Send a request once more when its database connection dropped before it wrote anything.

PostgreSQL may end a connection under a request: a restart, a failover, an administrator's
``pg_terminate_backend``, a proxy's idle timeout. ``CONN_HEALTH_CHECKS`` replaces a dead
connection before a request starts; this middleware covers one that dies during the request.
It watches the statements the request sends. If the request fails with a connection error
(``OperationalError`` or ``InterfaceError``) when nothing it wrote can have been committed —
it had only read, or its writes were in the transaction that the failing statement belonged
to, which the server rolled back — the connection is closed and the request runs again, once,
on a new one. A safe request (GET, HEAD, OPTIONS) runs again even when it wrote: what a read
writes is bookkeeping — a token's last use, the audit entry of the read — that a second run
may write again without changing anything the person relies on. A request whose write may stand (sent outside a transaction, in a transaction
that ended, or lost in the commit itself) is not repeated and answers 500 — JSON under
``/api/`` — and a client that sent an ``Idempotency-Key`` learns the outcome by sending it
again (``audit.idempotency``).
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

READS = (
    "SELECT",
    "BEGIN",
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
    "SET ",
    "SHOW ",
)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Watch:
    """Follow the statements a request sends: may anything it wrote have been committed?

    A write sent outside a transaction is committed at once. A write inside a transaction is
    pending until the transaction ends: if a statement of that same transaction then fails
    with a connection error, the server rolled all of it back; if the transaction ended (by a
    commit, or a rollback we cannot tell from it) or the error came from the commit itself,
    the write may stand.
    """

    def __init__(self) -> None:
        self.wrote = False
        self.pending = False
        self.dropped_in_transaction = False

    def __call__(
        self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
    ) -> Any:
        connection = context["connection"]
        write = not str(sql).lstrip().upper().startswith(READS)
        if connection.in_atomic_block:
            self.pending = self.pending or write
        else:
            self.wrote = self.wrote or self.pending or write
            self.pending = False
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError):
            self.dropped_in_transaction = connection.in_atomic_block
            raise

    @property
    def may_have_written(self) -> bool:
        return self.wrote or (self.pending and not self.dropped_in_transaction)


class RetryDroppedConnectionMiddleware:
    """Run a request a second time when its connection dropped before it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            # Read the body now, so that a second run can read it again.
            request.body  # noqa: B018
        # What the view and DRF attach to the request (DRF sets the token's user on it, which
        # session authentication would take for a signed-in browser) goes with the first run.
        state = dict(request.__dict__)
        watch = _Watch()
        response = self._run(request, watch)
        repeatable = request.method in SAFE_METHODS or not watch.may_have_written
        if getattr(request, "_connection_dropped", False) and repeatable:
            logger.warning(
                "database connection dropped before %s %s wrote; running it again",
                request.method,
                request.path,
            )
            for connection in connections.all(initialized_only=True):
                connection.close()
            request.__dict__.clear()
            request.__dict__.update(state)
            response = self._run(request, _Watch())
        return response

    def _run(self, request: HttpRequest, watch: _Watch) -> HttpResponse:
        wrappers = [c.execute_wrapper(watch) for c in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            return self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            request._connection_dropped = True  # type: ignore[attr-defined]
        return None
