"""Serializer fields the whole API shares, so every answer and request means what the schema says.

- A value that is not known is stored blank but answered ``null``, never ``""``, so that codes
  stay within their enums and addresses within ``format: uri``.
- A JSON request carries JSON types: a string where the schema says string, ``true`` or
  ``false`` where it says boolean. Form-encoded requests carry only text, so there the usual
  readings of text (``"true"``, ``"12"``) still apply.
"""

import re
from typing import Any

from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Python's whitespace (str.isspace), spelled out so that the schema's pattern means the same in
# JSON Schema's regular expressions as the server's strip() does here.
WHITESPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
not_blank = RegexValidator(f"[^{WHITESPACE}]", _("空白だけでは記録できません。"))


def sent_as_json(field: serializers.Field) -> bool:
    """Whether the request body the field reads was JSON rather than a form."""
    return not isinstance(getattr(field.root, "initial_data", None), QueryDict)


class BlankAsNullMixin:
    """Answer a blank stored value as null."""

    def to_representation(self, value: Any) -> Any:
        if value in ("", None):
            return None
        return super().to_representation(value)  # type: ignore[misc]


class NullableCharField(BlankAsNullMixin, serializers.CharField):
    """Text that is null when not known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)


class NullableURLField(BlankAsNullMixin, serializers.URLField):
    """An address that is null when not known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)


class NullableChoiceField(BlankAsNullMixin, serializers.ChoiceField):
    """A code that is null when not known; null is taken for "not known" in requests too."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(choices, allow_null=True, allow_blank=False, **kwargs)


class StrictCharField(serializers.CharField):
    """Text that must be a JSON string, not a number standing for one.

    Unless blank is allowed, it must hold more than whitespace, which the schema states as a
    pattern.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        has_pattern = any(isinstance(v, RegexValidator) for v in self.validators)
        if not self.allow_blank and not has_pattern:
            self.validators.append(not_blank)

    def to_internal_value(self, data: Any) -> str:
        if sent_as_json(self) and not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictSlugField(StrictCharField, serializers.SlugField):
    """A slug that must be a JSON string."""


class StrictBooleanField(serializers.BooleanField):
    """A boolean that must be JSON true or false."""

    def to_internal_value(self, data: Any) -> bool:
        if sent_as_json(self) and not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A row's id that must be a JSON integer."""

    def to_internal_value(self, data: Any) -> Any:
        if sent_as_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """An integer written as one: a JSON integer, or in a query or form only digits.

    DRF reads ``"50.0"`` as 50; the schema says integer, so a decimal point or an exponent is
    refused like any other value that is not one.
    """

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool | float):
            self.fail("invalid")
        if isinstance(data, str) and not INTEGER.fullmatch(data):
            self.fail("invalid")
        return int(super().to_internal_value(data))
