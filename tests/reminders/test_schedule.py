import datetime

import pytest

from core.workdays import TOKYO, is_working_day
from reminders.schedule import due_period, scheduled_time


def tokyo(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TOKYO)


def test_the_default_digest_goes_out_on_monday_at_nine_tokyo_time():
    at = scheduled_time(period=datetime.date(2026, 11, 30), weekday=0, hour=9)
    assert at == tokyo(2026, 11, 30, 9)
    assert at.astimezone(datetime.UTC).hour == 0


def test_a_public_holiday_moves_the_digest_to_the_next_working_day():
    # 2026-02-23 is 天皇誕生日 (a Monday).
    at = scheduled_time(period=datetime.date(2026, 2, 23), weekday=0, hour=9)
    assert at == tokyo(2026, 2, 24, 9)


def test_golden_week_skips_every_holiday_in_a_row():
    # 2026-05-04 みどりの日 (Mon), 05-05 こどもの日 (Tue), 05-06 振替休日 (Wed).
    at = scheduled_time(period=datetime.date(2026, 5, 4), weekday=0, hour=9)
    assert at == tokyo(2026, 5, 7, 9)


def test_a_friday_holiday_moves_the_digest_past_the_weekend():
    # 2027-01-01, a Friday, is 元日; the next working day is Monday 01-04.
    at = scheduled_time(period=datetime.date(2026, 12, 28), weekday=4, hour=17)
    assert at == tokyo(2027, 1, 4, 17)


def test_a_chosen_saturday_that_is_no_holiday_stays_on_saturday():
    at = scheduled_time(period=datetime.date(2026, 11, 30), weekday=5, hour=8)
    assert at == tokyo(2026, 12, 5, 8)
    assert not is_working_day(at.date())


@pytest.mark.parametrize(
    ("now", "expected_period"),
    [
        (tokyo(2026, 11, 30, 9, 0), datetime.date(2026, 11, 30)),
        (tokyo(2026, 11, 30, 8, 59), datetime.date(2026, 11, 23)),
        (tokyo(2026, 12, 3, 14, 0), datetime.date(2026, 11, 30)),
        (tokyo(2026, 12, 6, 23, 59), datetime.date(2026, 11, 30)),
    ],
)
def test_the_due_period_is_the_latest_week_whose_time_has_come(now, expected_period):
    period, at = due_period(now=now, weekday=0, hour=9)
    assert period == expected_period
    assert at <= now


def test_a_digest_moved_into_the_next_week_by_a_holiday_belongs_to_its_own_week():
    # Friday 2027-01-01 is 元日: that week's Friday digest goes out on Monday 2027-01-04,
    # and on that Monday it is still the week of 2026-12-28 that is due.
    period, at = due_period(now=tokyo(2027, 1, 4, 18), weekday=4, hour=17)
    assert period == datetime.date(2026, 12, 28)
    assert at == tokyo(2027, 1, 4, 17)


def test_the_due_period_judges_time_in_tokyo_whatever_the_zone_of_now():
    now = datetime.datetime(2026, 11, 30, 0, 30, tzinfo=datetime.UTC)  # 09:30 in Tokyo
    assert due_period(now=now, weekday=0, hour=9)[0] == datetime.date(2026, 11, 30)
