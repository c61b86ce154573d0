"""Reminders through the real parts: our own redis-server, a celery worker process, an SMTP sink.

Each test proves the promise of ``reminders.services``: every digest is delivered, and none
twice except one whose mail the SMTP server accepted just before a crash (documented).
"""

import subprocess
import sys
import time
from email import message_from_bytes, policy

import pytest
from django.db import transaction

from accounts.models import Membership, User
from reminders import services as reminders
from reminders.models import Digest
from reminders.tasks import queue_batch, sweep_reminders
from tests.queue.conftest import ROOT, Worker, wait_for
from tests.referrals.followup_factories import activity, case_with_follow_ups, tokyo

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOW = tokyo(2026, 12, 7, 9, 30)


def counsellors_with_due_follow_ups(desk, count: int) -> None:
    for n in range(count):
        user = User.objects.create(username=f"counsellor{n}", email=f"c{n}@example.jp")
        Membership.objects.create(user=user, desk=desk, role=Membership.Role.COUNSELLOR)
        case_with_follow_ups(desk=desk, assigned_to=user, due=[NOW.date()])


def expected_message_ids() -> set[str]:
    return set(Digest.objects.values_list("message_id", flat=True))


def delivered(smtp) -> set[str]:
    return set(smtp.sink.counts())


def assert_each_delivered_once(smtp, expected: set[str]) -> None:
    counts = smtp.sink.counts()
    assert set(counts) == expected
    assert set(counts.values()) == {1}
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.SENT}


def sweep_until_delivered(smtp, expected: set[str], *, timeout: float) -> None:
    """Sweep once a second, as beat would every few minutes, until every digest has arrived."""

    def done() -> bool:
        reminders.sweep(now=NOW, dispatch=queue_batch)
        return delivered(smtp) >= expected

    wait_for(done, timeout=timeout, interval=1.0, what="every digest to be delivered")


def test_smtp_down_then_up_delivers_every_digest_once(desk, broker, smtp, worker):
    counsellors_with_due_follow_ups(desk, 8)
    smtp.stop()

    def tried_again_and_again() -> bool:
        reminders.sweep(now=NOW, dispatch=queue_batch)
        return not Digest.objects.filter(attempts__lt=3).exists()

    wait_for(tried_again_and_again, timeout=30, interval=1.0, what="retries while SMTP is down")
    assert delivered(smtp) == set()
    assert Digest.objects.exclude(last_error="").count() == 8
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.PENDING}
    smtp.start()
    expected = expected_message_ids()
    sweep_until_delivered(smtp, expected, timeout=30)
    sweep_reminders.delay(at=NOW.isoformat())
    reminders.sweep(now=NOW, dispatch=queue_batch)
    time.sleep(1.5)
    assert_each_delivered_once(smtp, expected)


def test_a_worker_killed_during_a_batch_loses_nothing(
    desk, broker, smtp, worker, worker_env, tmp_path
):
    # Thirty mails at 0.4 s leave ten seconds for the kill to land mid-batch on a busy machine.
    counsellors_with_due_follow_ups(desk, 30)
    smtp.sink.delay = 0.4
    reminders.sweep(now=NOW, dispatch=queue_batch)
    expected = expected_message_ids()
    wait_for(lambda: len(smtp.sink.message_ids) >= 3, timeout=30, what="a batch to be under way")
    worker.kill()
    time.sleep(smtp.sink.delay + 0.3)  # a mail in flight at the kill may still land
    marked = set(
        Digest.objects.filter(status=Digest.Status.SENT).values_list("message_id", flat=True)
    )
    accepted_unmarked = delivered(smtp) - marked
    assert delivered(smtp) < expected, "the kill came too late to test anything"

    smtp.sink.delay = 0
    replacement = Worker(worker_env, tmp_path / "replacement.log")
    replacement.start()
    try:
        sweep_until_delivered(smtp, expected, timeout=60)
        time.sleep(1)
    finally:
        replacement.stop()
    counts = smtp.sink.counts()
    assert set(counts) == expected
    twice = {message_id for message_id, n in counts.items() if n > 1}
    assert twice <= accepted_unmarked, "only mails accepted but not yet marked may come twice"
    assert max(counts.values()) <= 2
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.SENT}


def test_a_restarted_redis_server_loses_nothing(desk, broker, smtp, worker_env, tmp_path):
    counsellors_with_due_follow_ups(desk, 6)
    reminders.sweep(now=NOW, dispatch=queue_batch)
    assert broker.queue_length() > 0
    broker.restart()
    assert broker.queue_length() == 0, "the queued tasks should be gone with the restart"

    worker = Worker(worker_env, tmp_path / "worker.log")
    worker.start()
    try:
        broker.restart()  # and once more under a running worker, which must reconnect
        expected = expected_message_ids()
        sweep_until_delivered(smtp, expected, timeout=60)
        time.sleep(1)
    finally:
        worker.stop()
    assert_each_delivered_once(smtp, expected)


def test_two_sweeps_at_once_send_each_digest_once(desk, smtp, worker, worker_env):
    counsellors_with_due_follow_ups(desk, 30)

    def sendreminders(*options):
        return subprocess.Popen(
            [sys.executable, "manage.py", "sendreminders", "--at", NOW.isoformat(), *options],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    runs = [sendreminders(), sendreminders(), sendreminders("--queue")]
    try:
        for run in runs:
            output, _ = run.communicate(timeout=60)
            assert run.returncode == 0, output
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    expected = expected_message_ids()
    assert len(expected) == 30
    wait_for(lambda: delivered(smtp) >= expected, timeout=30, what="every digest")
    time.sleep(1)
    assert_each_delivered_once(smtp, expected)


def test_a_rolled_back_transaction_enqueues_nothing(desk, broker, smtp, worker_env, tmp_path):
    counsellors_with_due_follow_ups(desk, 3)
    with pytest.raises(RuntimeError), transaction.atomic():
        reminders.sweep(now=NOW, dispatch=queue_batch)
        assert Digest.objects.filter(lease_until__isnull=False).count() == 3
        raise RuntimeError("the caller's transaction fails after the sweep")
    assert broker.queue_length() == 0
    assert not Digest.objects.exists()

    reminders.sweep(now=NOW, dispatch=queue_batch)
    assert broker.queue_length() == 1
    worker = Worker(worker_env, tmp_path / "worker.log")
    worker.start()
    try:
        expected = expected_message_ids()
        wait_for(lambda: delivered(smtp) >= expected, timeout=30, what="the committed digests")
    finally:
        worker.stop()
    assert_each_delivered_once(smtp, expected)


def test_a_supervisors_weekly_summary_goes_through_the_worker_once(
    desk, counsellor, supervisor, broker, smtp, worker
):
    activity(desk, at=tokyo(2026, 12, 2, 14), cases=4, referrals=3)
    case_with_follow_ups(
        desk=desk, assigned_to=counsellor, due=[NOW.date()], created_at=tokyo(2026, 10, 5, 10)
    )
    reminders.sweep(now=NOW, dispatch=queue_batch)
    expected = expected_message_ids()
    assert len(expected) == 2
    wait_for(lambda: delivered(smtp) >= expected, timeout=30, what="both digests")
    reminders.sweep(now=NOW, dispatch=queue_batch)
    sweep_reminders.delay(at=NOW.isoformat())
    time.sleep(1.5)
    assert_each_delivered_once(smtp, expected)
    mails = {
        message["To"]: message.get_body(("plain",)).get_content()
        for message in (message_from_bytes(b, policy=policy.default) for b in smtp.sink.bodies)
    }
    summary = mails[supervisor.email]
    assert "- 受け付けた相談: 4件（前の週 0件、+4）" in summary
    assert "- 窓口への案内: 3件（前の週 0件、+3）" in summary
    assert "前の週" not in mails[counsellor.email]
