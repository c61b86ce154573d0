import datetime

from django.template.loader import render_to_string

from stats.summary import weekly_summary
from tests.stats.conftest import at

MONDAY = datetime.date(2026, 3, 16)


def test_it_compares_last_week_with_the_week_before_and_hides_small_counts(
    supervisor, desk, other_desk, make_referral
):
    for _ in range(4):
        make_referral(desk, when=at(2026, 3, 10))
    make_referral(desk, when=at(2026, 3, 3))
    for _ in range(9):
        make_referral(other_desk, when=at(2026, 3, 10))
    summary = weekly_summary(supervisor, MONDAY)
    referrals = summary["rows"][1]
    assert referrals["last"] == "X", "4 of 5 would give the week before away"
    assert referrals["before"] == "X"
    assert referrals["change"] is None
    assert summary["last_week"] == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))


def test_it_shows_counts_at_or_over_the_threshold(supervisor, desk, make_referral):
    for _ in range(5):
        make_referral(desk, when=at(2026, 3, 10))
    for _ in range(3):
        make_referral(desk, when=at(2026, 3, 4))
    summary = weekly_summary(supervisor, MONDAY)
    assert summary["rows"][0] == {
        "label": "受け付けた相談",
        "last": 5,
        "before": 3,
        "change": 2,
        "change_text": "+2",
    }
    text = render_to_string("stats/_weekly_summary.txt", {"section": summary})
    assert "受け付けた相談: 5件（前の週 3件、+2）" in text


def test_counsellors_get_no_summary(counsellor):
    assert weekly_summary(counsellor, MONDAY) is None


def test_the_legend_reads_in_english_too():
    from django.utils import translation

    from stats.tables import legend

    with translation.override("en"):
        assert legend(3) == (
            "“X” marks a hidden number: either under 3, or hidden so that such a number cannot "
            "be worked out by subtraction. Which of the two is never shown."
        )
