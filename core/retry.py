"""Send a request once more when its database connection dropped before it wrote anything.

PostgreSQL may end a connection under a request: a restart, a failover, an administrator's
``pg_terminate_backend``, a proxy's idle timeout. ``CONN_HEALTH_CHECKS`` replaces a dead
connection before a request starts; this middleware covers one that dies during the request.
It watches the statements the request sends. If the request fails with a connection error
(``OperationalError`` or ``InterfaceError``) before any statement other than a read was sent,
nothing can have been stored: the connection is closed and the request runs again, once, on a
new one. A request that had sent a write is not repeated (the write may have been committed)
and answers 500 — JSON under ``/api/`` — and a client that sent an ``Idempotency-Key`` learns
the outcome by sending it again (``audit.idempotency``).
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

READS = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET ", "SHOW ")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Watch:
    """Remember whether a statement that may write was sent on any connection."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(
        self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
    ) -> Any:
        if not self.wrote and not str(sql).lstrip().upper().startswith(READS):
            self.wrote = True  # before it runs: once sent, it may have been committed
        return execute(sql, params, many, context)


class RetryDroppedConnectionMiddleware:
    """Run a request a second time when its connection dropped before it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            # Read the body now, so that a second run can read it again.
            request.body  # noqa: B018
        watch = _Watch()
        response = self._run(request, watch)
        if getattr(request, "_connection_dropped", False) and not watch.wrote:
            logger.warning(
                "database connection dropped before %s %s wrote; running it again",
                request.method,
                request.path,
            )
            request._connection_dropped = False  # type: ignore[attr-defined]
            for connection in connections.all(initialized_only=True):
                connection.close()
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
