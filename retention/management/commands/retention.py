import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from retention.services import retention_sweep


def _moment(value: str) -> datetime.datetime:
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = datetime.date.fromisoformat(value)
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(_("--at は ISO 8601 の日時で指定してください（例: 2031-04-01T09:00）。"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Run the retention sweep by hand: shred free text and delete cases that are due."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="act as if it were this time (ISO 8601)")
        parser.add_argument(
            "--dry-run", action="store_true", help="only say what would be shredded or deleted"
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        now = _moment(at) if at else timezone.now()
        result = retention_sweep(now=now, dry_run=dry_run)
        verb_shred = _("本文を消去する") if dry_run else _("本文を消去した")
        verb_delete = _("削除する") if dry_run else _("削除した")
        for reference in result.deleted:
            self.stdout.write(f"{verb_delete}: {reference}")
        for reference in result.shredded:
            self.stdout.write(f"{verb_shred}: {reference}")
        summary = _(
            "本文の消去 %(shredded)d 件、相談記録の削除 %(deleted)d 件、保全中 %(held)d 件"
        ) % {
            "shredded": len(result.shredded),
            "deleted": len(result.deleted),
            "held": result.held,
        }
        if dry_run:
            summary = _("（試行のみ・変更なし）") + summary
        self.stdout.write(summary)
