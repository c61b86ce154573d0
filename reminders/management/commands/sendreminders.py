from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalogue.review import review_digest_sweep
from deadlines.services import clock_warnings_send
from reminders import services as reminders
from reminders.tasks import queue_batch


class Command(BaseCommand):
    help = (
        "Send every weekly reminder, legal-clock warning and the month's catalogue review mail "
        "that is due — the same sweeps Celery beat runs. Running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            metavar="ISO-8601",
            help="judge what is due as if the time were this (e.g. 2026-12-07T09:00+09:00)",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the digests to the Celery worker instead of sending them from this process",
        )

    def handle(self, *args, at=None, queue=False, **options):
        now = None
        if at:
            try:
                now = parse_datetime(at)
            except ValueError:
                now = None
            if now is None:
                raise CommandError(
                    f"--at は ISO 8601 の日時で指定してください（例: 2026-12-07T09:00+09:00）: {at}"
                )
            if timezone.is_naive(now):
                now = timezone.make_aware(now, reminders.TOKYO)
        try:
            result = reminders.sweep(now=now, dispatch=queue_batch if queue else None)
        except reminders.DispatchFailed as error:
            raise CommandError(
                "ワーカーにリマインダーを渡せませんでした（ブローカーに接続できません）。"
                "確保した分は解放したので、次の定期処理か再実行で送信します。"
                f" / could not queue the digests, their leases are released: {error}"
            ) from error
        if queue:
            self.stdout.write(
                f"リマインダー: 新規 {result.created} 件、ワーカーに渡した {result.leased} 件 "
                f"/ digests created: {result.created}, queued: {result.leased}"
            )
        else:
            self.stdout.write(
                f"リマインダー: 新規 {result.created} 件、送信 {result.sent} 件、"
                f"対象なし {result.skipped} 件、失敗 {result.failed} 件 / digests created: "
                f"{result.created}, sent: {result.sent}, skipped: {result.skipped}, "
                f"failed: {result.failed}"
            )
        # The admins' monthly review mail is a digest too: one per admin and month, claimed.
        reviews = review_digest_sweep(now=now)
        self.stdout.write(
            f"窓口の確認依頼: 送信 {reviews} 件 / catalogue review mails sent: {reviews}"
        )
        # A legal clock's warning goes out on its day, not with the weekly digest.
        warnings = clock_warnings_send(now=now)
        self.stdout.write(
            f"法的な期限の警告: 送信 {warnings} 件 / legal-clock warnings sent: {warnings}"
        )
