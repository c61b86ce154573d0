import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.services import staff_add, staff_token


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Provision staff without the admin site: `staff add` and `staff token`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a user (if new) and give them a role at a desk.")
        add.add_argument("username")
        add.add_argument("--desk", required=True, help="desk slug, e.g. gifu-city")
        add.add_argument("--role", required=True, help="counsellor or supervisor")
        add.add_argument("--email", default="")
        add.add_argument(
            "--no-password",
            action="store_true",
            help="do not ask for a password (the user signs in after an admin sets one)",
        )
        token = sub.add_parser("token", help="Print the user's API token.")
        token.add_argument("username")

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                self._add(**options)
            else:
                self.stdout.write(staff_token(username=options["username"]))
        except ValidationError as error:
            raise CommandError(_message(error)) from None

    def _add(self, *, username, desk, role, email, no_password, **options):
        password = None if no_password else self._read_password()
        membership = staff_add(
            username=username, desk_slug=desk, role=role, email=email, password=password
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{membership.user.username}: {membership.desk.slug} / {membership.role}"
            )
        )

    def _read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("パスワード / Password: ")
            second = getpass.getpass("もう一度 / Again: ")
            if first != second:
                raise CommandError(_("パスワードが一致しません。"))
            password = first
        else:
            password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError(
                _("パスワードが空です。標準入力から渡すか、--no-password を指定してください。")
            )
        return password
