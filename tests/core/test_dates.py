import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.dates import DateStyle, era_year, format_date, format_month, format_period

W = DateStyle.WAREKI


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 12, 31), "令和元年12月31日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(2026, 12, 2), "令和8年12月2日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1990, 1, 1), "平成2年1月1日"),
    ],
)
def test_wareki_names_the_era_and_its_first_year_gannen(day, expected):
    assert format_date(day, style=W, language="ja") == expected


def test_seireki_and_english_write_one_way():
    day = datetime.date(2026, 12, 2)
    assert format_date(day, language="ja") == "2026年12月2日"
    assert format_date(day, style=W, language="en") == "2 Dec 2026"
    assert format_date(None) == ""


def test_an_aware_datetime_is_written_as_its_day_in_tokyo():
    late = datetime.datetime(2019, 4, 30, 16, 0, tzinfo=datetime.UTC)  # 5/1 01:00 in Tokyo
    assert format_date(late, style=W, language="ja") == "令和元年5月1日"


def test_months_and_periods_across_the_era_change():
    assert format_month(datetime.date(2019, 4, 1), style=W, language="ja") == "平成31年4月"
    assert format_month(datetime.date(2019, 5, 1), style=W, language="ja") == "令和元年5月"
    assert (
        format_period(
            datetime.date(2019, 4, 1),
            datetime.date(2020, 3, 1),
            months=True,
            style=W,
            language="ja",
        )
        == "平成31年4月〜令和2年3月"
    )
    assert (
        format_period(
            datetime.date(2025, 12, 1), datetime.date(2026, 11, 1), months=True, language="en"
        )
        == "Dec 2025 – Nov 2026"
    )
    assert era_year(datetime.date(2019, 5, 1)) == "令和元年"


def test_the_template_filters_follow_the_style_and_the_language():
    template = Template('{% load dates %}{{ d|day:"wareki" }} {{ d|day }} {{ d|month:"wareki" }}')
    context = Context({"d": datetime.date(2019, 5, 1)})
    assert template.render(context) == "令和元年5月1日 2019年5月1日 令和元年5月"
    with translation.override("en"):
        assert template.render(context) == "1 May 2019 1 May 2019 May 2019"


@pytest.mark.django_db
def test_a_user_whose_desks_keep_wareki_reads_wareki(counsellor, desk):
    from accounts.dates import date_style_for, user_date

    assert user_date(counsellor, datetime.date(2026, 12, 2)) == "2026年12月2日"
    desk.date_style = W
    desk.save()
    del counsellor._date_style
    assert date_style_for(counsellor) == W
    assert user_date(counsellor, datetime.date(2026, 12, 2)) == "令和8年12月2日"


def test_the_filters_leave_what_is_not_a_date_as_it_is():
    template = Template("{% load dates %}[{{ missing|day }}][{{ text|day }}][{{ none|month }}]")
    assert template.render(Context({"text": "—", "none": None})) == "[][—][]"
