"""Views for tests/test_retry_and_errors.py: a connection error before and after a write."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.views import APIView

from accounts.models import Desk

runs: dict[str, int] = {}


def _fail_like_a_dropped_connection() -> None:
    """Drop this request's connection for real on PostgreSQL; on SQLite raise its nearest kin."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        else:
            cursor.execute("SELECT * FROM table_that_is_not_there")  # an OperationalError


def read_then_fail_once(request):
    runs["read"] = runs.get("read", 0) + 1
    Desk.objects.count()
    if runs["read"] == 1:
        _fail_like_a_dropped_connection()
    return JsonResponse({"runs": runs["read"]})


def bookkeep_then_fail_once(request):
    """A read that writes bookkeeping first, as a token's last use or a read's audit entry."""
    runs["bookkeeping"] = runs.get("bookkeeping", 0) + 1
    Desk.objects.filter(slug="bookkept").update(name=f"読んだ {runs['bookkeeping']}")
    if runs["bookkeeping"] == 1:
        _fail_like_a_dropped_connection()
    return JsonResponse({"runs": runs["bookkeeping"]})


def write_then_fail(request):
    runs["write"] = runs.get("write", 0) + 1
    Desk.objects.create(slug=f"written-{runs['write']}", name="書いた")
    _fail_like_a_dropped_connection()
    return JsonResponse({"never": True})


def write_in_a_transaction_then_fail_once(request):
    runs["in-transaction"] = runs.get("in-transaction", 0) + 1
    with transaction.atomic():
        Desk.objects.create(slug=f"pending-{runs['in-transaction']}", name="未確定")
        if runs["in-transaction"] == 1:
            _fail_like_a_dropped_connection()
    return JsonResponse({"runs": runs["in-transaction"]})


class Boom(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        raise RuntimeError("a bug")


def plain_boom(request):
    raise RuntimeError("a bug outside DRF")


urlpatterns = [
    path("api/read-then-fail-once/", read_then_fail_once),
    path("api/bookkeep-then-fail-once/", bookkeep_then_fail_once),
    path("api/write-then-fail/", write_then_fail),
    path("api/write-in-a-transaction-then-fail-once/", write_in_a_transaction_then_fail_once),
    path("api/boom/", Boom.as_view()),
    path("api/plain-boom/", plain_boom),
    path("plain-boom/", plain_boom),
    path("", include("config.urls")),
]

handler500 = "config.views.server_error"
