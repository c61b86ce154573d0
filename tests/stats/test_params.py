from datetime import date

import pytest

from accounts.access import supervised_desk_ids
from stats.params import StatsParamError, parse_stats_query
from stats.periods import Month, Period

TODAY = date(2026, 5, 14)


def parse(params, user):
    return parse_stats_query(params, supervised=supervised_desk_ids(user), today=TODAY)


def test_the_default_period_is_the_last_twelve_completed_months(supervisor, desk, school_desk):
    query = parse({}, supervisor)
    assert query.period == Period(Month(2025, 5), Month(2026, 4))
    assert query.desk_ids == {desk.id, school_desk.id}


def test_days_snap_to_their_whole_months(supervisor):
    query = parse({"from": "2025-06-17", "to": "2025-08-02"}, supervisor)
    assert query.period == Period(Month(2025, 6), Month(2025, 8))
    assert query.period.start == date(2025, 6, 1)
    assert query.period.end == date(2025, 9, 1)


def test_a_fiscal_year_runs_from_april_to_march(supervisor):
    query = parse({"fiscal_year": "2024"}, supervisor)
    assert query.period == Period(Month(2024, 4), Month(2025, 3))


def test_the_running_month_is_never_counted(supervisor):
    assert parse({"fiscal_year": "2026"}, supervisor).period.last == Month(2026, 4)
    assert parse({"to": "2027-01"}, supervisor).period.last == Month(2026, 4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "service,colour"}, "group_by"),
        ({"group_by": "month,month"}, "group_by"),
        ({"from": "2025/04"}, "from"),
        ({"to": "2025-13"}, "to"),
        ({"from": "2025-02-30"}, "from"),
        ({"from": "2026-04", "to": "2025-04"}, "from"),
        ({"fiscal_year": "R7"}, "fiscal_year"),
        ({"category": "defamation,gossip"}, "category"),
        ({"desk": "nowhere"}, "desk"),
        ({"desk": "²"}, "desk"),
        ({"desk": "３"}, "desk"),
        ({"desk": "9" * 5_000}, "desk"),
        ({"from": "2016-04"}, "from"),
        ({"from": "2000-01", "to": "2026-03"}, "from"),
    ],
)
def test_bad_parameters_name_their_field_in_japanese(supervisor, params, field):
    with pytest.raises(StatsParamError) as caught:
        parse(params, supervisor)
    assert list(caught.value.errors) == [field]
    assert any("\u3040" <= ch <= "\u30ff" for ch in caught.value.errors[field][0])


def test_a_desk_the_user_does_not_supervise_is_refused(supervisor, other_desk):
    with pytest.raises(StatsParamError) as caught:
        parse({"desk": other_desk.slug}, supervisor)
    assert "desk" in caught.value.errors


def test_a_supervised_desk_narrows_the_query(supervisor, school_desk):
    query = parse({"desk": "gifu-hs", "group_by": "month,service"}, supervisor)
    assert query.desk_ids == {school_desk.id}
    assert query.group_by == ("month", "service")


def test_a_period_of_ten_years_is_the_longest_allowed(supervisor):
    assert parse({"from": "2016-05"}, supervisor).period == Period(Month(2016, 5), Month(2026, 4))
    with pytest.raises(StatsParamError) as caught:
        parse({"from": "2016-04", "to": "2026-04"}, supervisor)
    assert caught.value.errors["from"] == [
        "集計期間は10年（120か月）までです。開始月を2016-05以降にしてください。"
    ]


def test_a_desk_is_named_by_its_ascii_id_too(supervisor, school_desk):
    assert parse({"desk": str(school_desk.id)}, supervisor).desk_ids == {school_desk.id}
