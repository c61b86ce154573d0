import datetime

import jpholiday
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workdays import is_working_day, next_working_day, previous_working_day

# Two years of dates, every kind of day off among them: two year-end closures, Golden Weeks,
# substitute holidays (振替休日) and the 国民の休日 of 2026-09-22.
FIRST, LAST = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
closures = st.sets(days, max_size=10)


def test_the_year_end_closure_is_not_a_working_day_even_on_weekdays():
    closure = [datetime.date(2026, 12, d) for d in (29, 30, 31)] + [
        datetime.date(2027, 1, d) for d in (1, 2, 3)
    ]
    assert not any(is_working_day(day) for day in closure)
    assert is_working_day(datetime.date(2026, 12, 28))
    assert next_working_day(datetime.date(2026, 12, 29)).day == datetime.date(2027, 1, 4)


def test_a_follow_up_due_on_saturday_moves_to_monday_and_says_so():
    due = next_working_day(datetime.date(2026, 12, 5))
    assert due.day == datetime.date(2026, 12, 7)
    assert due.moved and due.computed == datetime.date(2026, 12, 5)


def test_a_working_day_does_not_move():
    due = next_working_day(datetime.date(2026, 12, 2))
    assert due.day == datetime.date(2026, 12, 2) and not due.moved


def test_a_reminder_before_golden_week_comes_earlier_not_later():
    # 2026-05-03..06 are holidays (5/6 振替休日); 5/2 and 5/3 a weekend.
    due = previous_working_day(datetime.date(2026, 5, 5))
    assert due.day == datetime.date(2026, 5, 1)


def test_a_desk_closure_moves_a_follow_up_past_it():
    closed = {datetime.date(2026, 12, 7), datetime.date(2026, 12, 8)}
    assert next_working_day(datetime.date(2026, 12, 5), closed).day == datetime.date(2026, 12, 9)


@settings(max_examples=400, deadline=None)
@given(day=days, closed=closures)
def test_no_computed_follow_up_falls_on_a_day_off(day, closed):
    due = next_working_day(day, closed)
    assert due.day >= day
    assert due.day.weekday() < 5
    assert not jpholiday.is_holiday(due.day)
    assert (due.day.month, due.day.day) not in {
        (12, 29),
        (12, 30),
        (12, 31),
        (1, 1),
        (1, 2),
        (1, 3),
    }
    assert due.day not in closed
    # The first working day: nothing between the computed day and it was a working day.
    span = (due.day - day).days
    assert all(not is_working_day(day + datetime.timedelta(d), closed) for d in range(span))
    assert due.moved == (span > 0)


@settings(max_examples=400, deadline=None)
@given(deadline=days, before=st.integers(min_value=0, max_value=14), closed=closures)
def test_no_reminder_for_a_deadline_falls_after_it_or_on_a_day_off(deadline, before, closed):
    due = previous_working_day(deadline - datetime.timedelta(days=before), closed)
    assert due.day <= deadline - datetime.timedelta(days=before) <= deadline
    assert is_working_day(due.day, closed)


def test_every_day_of_two_years_has_a_working_follow_up_and_reminder():
    for offset in range((LAST - FIRST).days + 1):
        day = FIRST + datetime.timedelta(days=offset)
        assert is_working_day(next_working_day(day).day)
        reminder = previous_working_day(day)
        assert is_working_day(reminder.day) and reminder.day <= day
