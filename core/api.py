"""What every part of the API shares: how a refused write becomes a 400."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, which also answers a service's ValidationError with a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    return drf_exception_handler(exc, context)
