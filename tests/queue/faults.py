"""Fault scenarios for the weekly reminders, shared by tests/queue/test_faults.py and bench/faults.py.

Each scenario runs the production shape with real processes: a ``redis-server`` of its own
(no persistence), an SMTP sink (aiosmtpd) that can be slowed or stopped, ``celery worker``
subprocesses and ``celery beat`` subprocesses, all on the database this process uses. It
seeds digests due now, injects one fault while they are being sent, and waits for every
digest to arrive. It reports the digests lost, the duplicates and the recovery time: from the
moment the fault is over (the replacement worker is ready, the broker or the relay is back)
until the last missing digest arrived.

The scenario functions take the reminder settings as given by the caller: the tests shorten
them (``SHORT``), ``bench/faults.py`` runs the defaults.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.queue.conftest import (
    ROOT,
    RedisServer,
    SmtpServer,
    Worker,
    child_environment,
    database_url,
    wait_for,
)

# The tests' intervals: a 3 s lease renewed every second, a sweep every 2 s, retries from 1 s
# doubling to 4 s. Recovery is bounded by a lease plus a sweep, so these make it seconds.
SHORT = {
    "REMINDER_SWEEP_SECONDS": 2,
    "REMINDER_LEASE_SECONDS": 3,
    "REMINDER_RETRY_BASE_SECONDS": 1,
    "REMINDER_RETRY_MAX_SECONDS": 4,
    "REMINDER_BATCH_SIZE": 10,
}


@dataclass
class Outcome:
    scenario: str
    expected: int
    killed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    recovery: float | None = None
    failed: int = 0

    @property
    def lost(self) -> int:
        return self.expected - len(self.counts)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.counts.values())

    def line(self) -> str:
        recovery = "—" if self.recovery is None else f"{self.recovery:5.1f} s"
        return (
            f"{self.scenario:<34} digests {self.expected:4d}  lost {self.lost:3d}  "
            f"duplicates {self.duplicates:2d} (killed processes: {self.killed})  "
            f"failed {self.failed}  recovery {recovery}"
        )


class Beat:
    """A real ``celery beat`` subprocess with its own schedule file."""

    def __init__(self, env: dict, folder: Path):
        self.env = env
        self.folder = folder
        self.log = folder / f"beat-{uuid.uuid4().hex[:6]}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(self.folder / f"schedule-{uuid.uuid4().hex[:6]}"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


def pool_children(worker: Worker) -> list[int]:
    """Return the pids of a worker's pool processes."""
    assert worker.process is not None
    pid = worker.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


class Stack:
    """Redis, an SMTP sink, workers and beats on this process's database."""

    def __init__(self, folder: Path, intervals: dict[str, int]):
        self.folder = folder
        self.redis = RedisServer(folder)
        self.smtp = SmtpServer()
        self.intervals = intervals
        self.workers: list[Worker] = []
        self.beats: list[Beat] = []

    @property
    def env(self) -> dict:
        return child_environment(
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.redis.url,
            EMAIL_URL=self.smtp.url,
            TSUNAGU_VAR_DIR=self.folder / "var",
            REMINDER_SWEEP_ON_START="true",
            **self.intervals,
        )

    def start(self, *, workers: int = 1, beats: int = 1) -> None:
        (self.folder / "var" / "celery").mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.smtp.start()
        for _ in range(workers):
            self.add_worker()
        for _ in range(beats):
            beat = Beat(self.env, self.folder / "beat")
            beat.start()
            self.beats.append(beat)

    def add_worker(self) -> Worker:
        worker = Worker(self.env, self.folder / f"worker-{len(self.workers)}.log")
        worker.start()
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for beat in self.beats:
            beat.stop()
        for worker in self.workers:
            worker.stop()
        self.smtp.stop()
        self.redis.stop()


def seed(count: int) -> set[str]:
    """Create ``count`` counsellors with a follow-up due today and their digests, due now."""
    from django.db import transaction
    from django.utils import timezone

    from core.workdays import TOKYO

    now = timezone.now()
    today = timezone.localtime(now, TOKYO).date()
    with transaction.atomic():  # all at once: a sweep running meanwhile sees none or all
        return _seed(count, now, today)


def _seed(count: int, now: datetime.datetime, today: datetime.date) -> set[str]:
    from accounts.models import Membership, User
    from core.workdays import week_of
    from reminders.models import Digest
    from reminders.services import message_id_for
    from tests.factories import DeskFactory
    from tests.referrals.followup_factories import case_with_follow_ups

    desk = DeskFactory(slug=f"faults-{uuid.uuid4().hex[:8]}")
    digests = []
    for n in range(count):
        user = User.objects.create(username=f"{desk.slug}-{n}", email=f"c{n}@{desk.slug}.example")
        Membership.objects.create(user=user, desk=desk, role=Membership.Role.COUNSELLOR)
        case_with_follow_ups(
            desk=desk, assigned_to=user, due=[today], reference=f"{desk.slug.upper()}-{n:04d}"
        )
        period = week_of(today)
        digests.append(
            Digest(
                user=user,
                period=period,
                scheduled_for=now - datetime.timedelta(minutes=1),
                message_id=message_id_for(user_id=user.pk, period=period),
            )
        )
    Digest.objects.bulk_create(digests)
    return {d.message_id for d in digests}


def _finish(stack: Stack, outcome: Outcome, expected: set[str], back: float, timeout: float):
    """Wait for every digest; record the recovery from ``back`` and the final counts."""
    from reminders.models import Digest

    sink = stack.smtp.sink

    def arrived() -> bool:
        return set(sink.counts()) >= expected

    try:
        wait_for(arrived, timeout=timeout, interval=0.2, what="every digest")
        outcome.recovery = time.monotonic() - back
    except AssertionError:
        outcome.recovery = None
    # A stale copy would come within a lease and a sweep: wait that long for duplicates.
    time.sleep(
        stack.intervals["REMINDER_LEASE_SECONDS"] + stack.intervals["REMINDER_SWEEP_SECONDS"]
    )
    counts = sink.counts()
    outcome.counts = {m: counts[m] for m in expected if m in counts}
    outcome.failed = Digest.objects.filter(
        message_id__in=expected, status=Digest.Status.FAILED
    ).count()
    return outcome


def _wait_under_way(stack: Stack, at_least: int, timeout: float = 60) -> None:
    wait_for(
        lambda: len(stack.smtp.sink.message_ids) >= at_least,
        timeout=timeout,
        what="a batch to be under way",
    )


def worker_sigkill(stack: Stack, *, digests: int, delay: float, timeout: float) -> Outcome:
    """SIGKILL the worker and its pool mid-batch; start a replacement."""
    expected = seed(digests)
    outcome = Outcome("worker SIGKILL" + (" (fast relay)" if delay < 0.05 else ""), digests)
    stack.smtp.sink.delay = delay
    _wait_under_way(stack, 3)
    stack.workers[0].kill()
    outcome.killed = 1
    stack.add_worker()
    return _finish(stack, outcome, expected, time.monotonic(), timeout)


def pool_sigkill(stack: Stack, *, digests: int, delay: float, timeout: float) -> Outcome:
    """SIGKILL the worker's pool process, as the OOM killer does; the worker replaces it."""
    expected = seed(digests)
    outcome = Outcome("pool process SIGKILL", digests)
    stack.smtp.sink.delay = delay
    _wait_under_way(stack, 3)
    children = pool_children(stack.workers[0])
    for child in children:
        os.kill(child, signal.SIGKILL)
    outcome.killed = len(children)
    return _finish(stack, outcome, expected, time.monotonic(), timeout)


def broker_restart(stack: Stack, *, digests: int, delay: float, timeout: float) -> Outcome:
    """Restart Redis without persistence while batches are queued and one is sending."""
    expected = seed(digests)
    outcome = Outcome("broker restart (no persistence)", digests)
    stack.smtp.sink.delay = delay
    _wait_under_way(stack, 3)
    stack.redis.restart()
    return _finish(stack, outcome, expected, time.monotonic(), timeout)


def relay_down(stack: Stack, *, digests: int, seconds: float, timeout: float) -> Outcome:
    """Stop the relay for ``seconds`` before the digests are due, then start it again."""
    stack.smtp.stop()
    expected = seed(digests)
    outcome = Outcome(f"relay down {seconds:.0f} s", digests)
    time.sleep(seconds)
    stack.smtp.start()
    return _finish(stack, outcome, expected, time.monotonic(), timeout)


def relay_down_past_old_budget(stack: Stack, *, digests: int, timeout: float) -> Outcome:
    """Keep the relay down until every digest has failed more than the old ten attempts."""
    from reminders.models import Digest

    stack.smtp.stop()
    expected = seed(digests)
    outcome = Outcome("relay down past 10 attempts", digests)
    wait_for(
        lambda: not Digest.objects.filter(message_id__in=expected, attempts__lte=10).exists(),
        timeout=timeout,
        interval=0.5,
        what="every digest to have been tried more than ten times",
    )
    stack.smtp.start()
    return _finish(stack, outcome, expected, time.monotonic(), timeout)


def concurrent_sweeps(stack: Stack, *, digests: int, timeout: float) -> Outcome:
    """Two workers and two beats sweep at once, with ``sendreminders`` in-process beside them."""
    started = time.monotonic()
    expected = seed(digests)
    outcome = Outcome("two workers, two beats, sendreminders", digests)
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "sendreminders", *options],
            cwd=ROOT,
            env=stack.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for options in ([], ["--queue"])
    ]
    for run in runs:
        run.wait(timeout=timeout)
    return _finish(stack, outcome, expected, started, timeout)
