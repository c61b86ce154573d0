"""``manage.py audit verify``: check that the audit trail's HMAC chain is intact."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit import chain
from audit.models import AuditEntry


class Command(BaseCommand):
    help = "監査記録を確認します（verify: 封印の連鎖が途切れていないか）。"

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("verify", help="封印の連鎖を最初の記録から確かめます。")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        broken = chain.verify()
        if broken is not None:
            raise CommandError(
                f"監査記録 #{broken.pk}（{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S%z}、{broken.action}）の"
                "封印が合いません。この記録か、その直前の記録が書き換えられたか、"
                "削除されたか、外から追加されています。"
            )
        self.stdout.write(f"監査記録 {AuditEntry.objects.count()} 件の封印の連鎖は正常です。")
