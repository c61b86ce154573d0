"""Refuse to start without the audit trail's key where no development default applies."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MIN_KEY_LENGTH = 32


@register()
def audit_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """AUDIT_KEY must be set, and long, when DEBUG is false."""
    if settings.DEBUG:
        return []
    key = settings.AUDIT_KEY
    if not key:
        return [
            Error(
                "AUDIT_KEY is not set.",
                hint="Set AUDIT_KEY to a long random secret kept outside the database.",
                id="audit.E001",
            )
        ]
    if len(key) < MIN_KEY_LENGTH:
        return [
            Error(
                f"AUDIT_KEY is shorter than {MIN_KEY_LENGTH} characters.",
                hint="Use python3 -c 'import secrets; print(secrets.token_urlsafe(48))'.",
                id="audit.E002",
            )
        ]
    return []
