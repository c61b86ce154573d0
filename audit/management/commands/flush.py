from typing import Any

from django.core.management.commands import flush

from audit.services import whole_database_wipe


class Command(flush.Command):
    """Django's flush, allowed to empty the audit trail on SQLite as TRUNCATE does on PostgreSQL."""

    def handle(self, **options: Any) -> None:
        with whole_database_wipe():
            super().handle(**options)
