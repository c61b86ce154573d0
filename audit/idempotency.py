"""Writes that are safe to retry: the ``Idempotency-Key`` header of the API's POSTs.

A client that lost the answer to a write (a dropped connection, a timeout, a 500) sends the
same request again with the same key. ``@idempotent`` on a DRF view method runs the write and
stores its answer in one transaction, so the two are committed together or not at all; the
same key from the same user on the same method and path within 24 hours is then answered with
the stored answer (and ``Idempotent-Replayed: true``) and writes nothing. The key names one
request: sent again with another body it is refused with a 409 naming the header, rather than
answered with the answer to something else. Only successful answers are stored: a refused
request changed nothing and may be corrected and sent again under the same key.

Two copies of a request arriving at once are decided by the unique constraint: the second
one's insert waits for the first transaction and fails once it commits, its own write is
rolled back with it, and it answers with the first one's answer.

Without the header the view still runs in one transaction, answer included, so nothing that
can fail runs after the commit of a request that has written.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from audit.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_FOR = datetime.timedelta(hours=24)
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=KEY_PATTERN,
    description=(
        "A key of the client's choosing (1–255 visible ASCII characters, e.g. a UUID) that "
        "makes the request safe to send again: within 24 hours the same request (same user, "
        "path and body) under the same key is answered with the first successful answer "
        "again, with Idempotent-Replayed: true, and stores nothing more. The key sent with "
        "another body is a 409."
    ),
)


class KeyReused(APIException):
    status_code = status.HTTP_409_CONFLICT


def _fingerprint(request: Request) -> str:
    return hashlib.sha256(request._request.body).hexdigest()


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (1 <= len(key) <= 255 and all("\x21" <= c <= "\x7e" for c in key)):
        raise ValidationError(
            {HEADER: [_("Idempotency-Key は 1〜255 文字の英数字・記号で指定してください。")]}
        )
    return key


def _scope(request: Request, key: str) -> dict[str, Any]:
    """The fields that make two requests the same one: user, key, method and path."""
    return {"user_id": request.user.pk, "key": key, "method": request.method, "path": request.path}


def _earlier(request: Request, key: str) -> IdempotentRequest | None:
    return (
        IdempotentRequest.objects.filter(
            **_scope(request, key),
            created_at__gt=timezone.now() - KEPT_FOR,
        )
        .order_by()
        .first()
    )


def _replay(stored: IdempotentRequest, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise KeyReused(
            {
                HEADER: [
                    _(
                        "この Idempotency-Key は別の内容の要求に使われています。"
                        "新しい要求には新しいキーを付けてください。"
                    )
                ]
            }
        )
    return Response(stored.body, status=stored.status_code, headers={REPLAYED_HEADER: "true"})


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    """Make a DRF view method's writes safe to retry under an ``Idempotency-Key``."""

    @functools.wraps(view)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return view(self, request, *args, **kwargs)
        key = _key(request)
        if key is None:
            with transaction.atomic():
                return view(self, request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                earlier = _earlier(request, key)
                if earlier is not None:
                    return _replay(earlier, fingerprint)
                response = view(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    # A key older than 24 hours is free again.
                    IdempotentRequest.objects.filter(
                        **_scope(request, key), created_at__lte=timezone.now() - KEPT_FOR
                    ).delete()
                    IdempotentRequest.objects.create(
                        **_scope(request, key),
                        fingerprint=fingerprint,
                        status_code=response.status_code,
                        body=response.data,
                    )
                return response
        except IntegrityError:
            # The same request under the same key committed first: its answer stands.
            earlier = _earlier(request, key)
            if earlier is None:
                raise
            return _replay(earlier, fingerprint)

    return extend_schema(parameters=[IDEMPOTENCY_KEY], methods=["POST"])(wrapper)
