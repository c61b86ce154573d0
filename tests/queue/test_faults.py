"""The reminder fault suite: real workers, beats, Redis and an SMTP sink, one fault per test.

Every fault scenario the reminders must survive is a case here, with the intervals shortened (``faults.SHORT``: a
3 s lease renewed every second, a sweep every 2 s, retries from 1 s doubling to 4 s) so that
the whole suite takes a few minutes. Each asserts that no digest is lost, that at most one is
sent twice per process killed (the mail in flight), that none is given up, and that recovery
— from the end of the fault until the last digest arrived — takes under 90 seconds.
``bench/faults.py`` runs the same scenarios with the default intervals and prints the figures.
"""

import pytest

from tests.queue import faults

pytestmark = [
    pytest.mark.redis,
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECOVERY_BOUND = 90.0
TIMEOUT = 120.0


@pytest.fixture
def stack(tmp_path, request):
    intervals = {**faults.SHORT, **getattr(request, "param", {})}
    stack = faults.Stack(tmp_path, intervals)
    yield stack
    stack.stop()


def assert_recovered(outcome: faults.Outcome) -> None:
    print(outcome.line())
    assert outcome.lost == 0, outcome.line()
    assert outcome.failed == 0, outcome.line()
    assert outcome.duplicates <= outcome.killed, outcome.line()
    assert outcome.recovery is not None and outcome.recovery < RECOVERY_BOUND, outcome.line()


def test_a_sigkilled_worker_loses_nothing_and_resends_at_most_the_mail_in_flight(stack):
    stack.start()
    assert_recovered(faults.worker_sigkill(stack, digests=40, delay=0.2, timeout=TIMEOUT))


def test_a_sigkilled_pool_process_loses_nothing_and_is_recovered_within_a_lease(stack):
    stack.start()
    outcome = faults.pool_sigkill(stack, digests=40, delay=0.2, timeout=TIMEOUT)
    assert outcome.killed == 1
    assert_recovered(outcome)


def test_a_broker_restarted_without_persistence_loses_nothing(stack):
    stack.start()
    assert_recovered(faults.broker_restart(stack, digests=40, delay=0.1, timeout=TIMEOUT))


def test_a_kill_under_a_fast_relay_resends_at_most_one_mail(stack):
    stack.start()
    assert_recovered(faults.worker_sigkill(stack, digests=120, delay=0.01, timeout=TIMEOUT))


def test_a_relay_down_for_30_seconds_delivers_everything_once_it_is_back(stack):
    stack.start()
    assert_recovered(faults.relay_down(stack, digests=20, seconds=30, timeout=TIMEOUT))


# Shorter still, so that eleven tries take about twenty seconds.
@pytest.mark.parametrize(
    "stack",
    [{"REMINDER_SWEEP_SECONDS": 1, "REMINDER_RETRY_MAX_SECONDS": 1}],
    indirect=True,
)
def test_a_relay_down_past_the_old_ten_attempts_gives_nothing_up(stack):
    stack.start()
    assert_recovered(faults.relay_down_past_old_budget(stack, digests=20, timeout=TIMEOUT))


def test_two_workers_two_beats_and_sendreminders_at_once_send_each_digest_once(stack):
    stack.start(workers=2, beats=2)
    outcome = faults.concurrent_sweeps(stack, digests=60, timeout=TIMEOUT)
    assert_recovered(outcome)
    assert outcome.duplicates == 0
