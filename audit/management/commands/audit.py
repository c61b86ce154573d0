"""``manage.py audit verify``: check that the audit trail's HMAC chain is intact.

``manage.py audit grant ROLE [--create]``: give the application's PostgreSQL role what it needs
and take back what it must not do to the trail (``audit/roles.py``); run it after ``migrate``.
"""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit import chain
from audit.models import AuditEntry
from audit.roles import RoleError, grant_application_role


class Command(BaseCommand):
    help = "監査記録を確認します（verify: 封印の連鎖が途切れていないか）。"

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("verify", help="封印の連鎖を最初の記録から確かめます。")
        grant = subcommands.add_parser(
            "grant",
            help="アプリケーション用の PostgreSQL ロールに権限を与え、監査記録の変更・削除を禁じます。",
        )
        grant.add_argument("role", help="web・worker・beat が接続するロール")
        grant.add_argument(
            "--create",
            action="store_true",
            help="ロールがなければ作ります（パスワードは環境変数 APP_DATABASE_PASSWORD）。",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "grant":
            try:
                statements = grant_application_role(
                    options["role"],
                    create=options["create"],
                    password=os.environ.get("APP_DATABASE_PASSWORD", ""),
                )
            except RoleError as error:
                raise CommandError(str(error)) from None
            for statement in statements:
                self.stdout.write(statement)
            return
        broken = chain.verify()
        if broken is not None:
            raise CommandError(
                f"監査記録 #{broken.pk}（{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S%z}、{broken.action}）の"
                "封印が合いません。この記録か、その直前の記録が書き換えられたか、"
                "削除されたか、外から追加されています。"
            )
        self.stdout.write(f"監査記録 {AuditEntry.objects.count()} 件の封印の連鎖は正常です。")
