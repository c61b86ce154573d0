"""What every part of the API shares: how a refused write becomes a 400, and an error JSON."""

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("django.request")

# A dropped database connection is left to core.retry, which sends the request once more
# when it had not yet written, and to the JSON 500 of config.views.server_error otherwise.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def as_api_error(error: DjangoValidationError) -> ValidationError:
    """Turn a service's ValidationError into a 400 naming each field.

    An error may add fields of its own to the body through ``api_detail`` (the personal-data
    guard adds ``pii``, the kinds it found).
    """
    if hasattr(error, "error_dict"):
        data = dict(error.message_dict)
    else:
        data = {"non_field_errors": error.messages}
    data.update(getattr(error, "api_detail", {}))
    return ValidationError(data)


def server_error_detail() -> dict[str, str]:
    return {"detail": _("サーバーでエラーが起きました。しばらくしてからもう一度お試しください。")}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, which also answers a service's ValidationError with a 400.

    Any other error is a JSON 500 ``{"detail": "…"}``, logged with its traceback, never
    Django's HTML error page.
    """
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    response = drf_exception_handler(exc, context)
    if response is not None or isinstance(exc, CONNECTION_ERRORS):
        return response
    request = context.get("request")
    logger.error(
        "Internal Server Error: %s",
        getattr(request, "path", "?"),
        exc_info=exc,
        extra={"status_code": 500, "request": getattr(request, "_request", None)},
    )
    set_rollback()
    return Response(server_error_detail(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
