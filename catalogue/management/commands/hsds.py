from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Desk
from catalogue.hsds.export import write_export
from catalogue.hsds.importer import FeedError, hsds_import, read_feed


class Command(BaseCommand):
    help = "Export the catalogue as Open Referral HSDS 3.0, or import an HSDS feed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write services.json, services/ and datapackage/.")
        export.add_argument("directory")
        load = sub.add_parser("import", help="Read a feed (JSON file or directory, datapackage).")
        load.add_argument("path")
        load.add_argument("--desk", default="", help="the desk whose local windows these become")
        load.add_argument("--dry-run", action="store_true", help="only say what would change")

    def handle(self, *args, action, **options):
        if action == "export":
            count = write_export(Path(options["directory"]))
            self.stdout.write(
                self.style.SUCCESS(_("%(count)d件の窓口を書き出しました。") % {"count": count})
            )
            return
        desk = None
        if options["desk"]:
            desk = Desk.objects.filter(slug=options["desk"]).first()
            if desk is None:
                raise CommandError(
                    _("デスクが見つかりません: %(slug)s") % {"slug": options["desk"]}
                )
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("ファイルが見つかりません: %(path)s") % {"path": path})
        try:
            documents = read_feed(path)
        except FeedError as error:
            raise CommandError(str(error)) from None
        report = hsds_import(documents=documents, desk=desk, dry_run=options["dry_run"])
        verb = _("（試行のみ・保存していません）") if report.dry_run else ""
        for heading, lines in (
            (_("追加"), report.created),
            (_("更新"), report.updated),
            (_("変更なし"), report.unchanged),
            (_("対象外"), report.skipped),
        ):
            for line in lines:
                self.stdout.write(f"{heading}: {line}")
        for line in report.errors:
            self.stderr.write(_("エラー: %(line)s") % {"line": line})
        self.stdout.write(
            _(
                "追加 %(created)d件、更新 %(updated)d件、変更なし %(unchanged)d件、エラー %(errors)d件%(dry)s"
            )
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
                "errors": len(report.errors),
                "dry": verb,
            }
        )
        if report.errors:
            raise CommandError(_("取り込めなかった行があります。"))
