"""The board, the case's clocks section and the clock forms: desk isolation and refusals."""

import datetime

import pytest
from django.utils import timezone

from deadlines.models import ClockStep, LegalClock

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def clock(start_clock, today):
    return start_clock("log_retention", today - datetime.timedelta(days=30), now=None)


def test_the_board_lists_the_desks_clocks_soonest_first_with_what_to_do(
    start_clock, open_case, counsellor, deskmate, web, today
):
    later = start_clock("log_retention", today - datetime.timedelta(days=10), now=None)
    sooner = start_clock(
        "provision_order", today - datetime.timedelta(days=50), on=open_case(), now=None
    )
    page = web(deskmate).get("/deadlines/").content.decode()
    assert page.index(sooner.case.reference) < page.index(later.case.reference)
    assert "経由プロバイダ" in page
    assert "情報流通プラットフォーム対処法" in page
    assert "<h1>期限の一覧</h1>" in page
    assert 'aria-current="page">期限</a>' in page


def test_the_board_shows_the_follow_ups_waiting_on_the_person(case, counsellor, web):
    from catalogue.models import Service
    from referrals import services as referral_services

    referral_services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method="info_given",
        referred_by=counsellor,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    page = web(counsellor).get("/deadlines/").content.decode()
    assert case.reference in page
    assert "相談者が窓口につながったかを確認する" in page


def test_an_overdue_clock_says_by_how_many_days(start_clock, counsellor, web, today):
    clock = start_clock("disclosure_order", today - datetime.timedelta(days=40), now=None)
    days = (today - clock.due_on).days
    page = web(counsellor).get("/deadlines/").content.decode()
    assert f"{days}日超過" in page
    assert "deadline-row--overdue" in page


def test_the_board_reads_in_english(start_clock, counsellor, web, today):
    start_clock("log_retention", today - datetime.timedelta(days=10), now=None)
    client = web(counsellor)
    client.cookies["django_language"] = "en"
    page = client.get("/deadlines/").content.decode()
    assert "<h1>Deadlines</h1>" in page
    assert (
        "Providers' access-log retention" in page or "Providers&#x27; access-log retention" in page
    )


def test_it_skips_cases_of_other_desks_on_the_board_and_the_api(clock, outsider, web, api):
    assert clock.case.reference not in web(outsider).get("/deadlines/").content.decode()
    response = api(outsider).get("/api/v1/deadlines/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_it_skips_closed_cases_and_closed_clocks(clock, counsellor, web):
    from deadlines import services

    services.clock_close(clock=clock, reason="not_needed", by=counsellor)
    assert clock.case.reference not in web(counsellor).get("/deadlines/").content.decode()


def test_the_case_page_shows_its_clocks_and_forms_to_its_counsellors_only(
    clock, counsellor, supervisor, web
):
    page = web(counsellor).get(clock.case.get_absolute_url()).content.decode()
    assert 'id="clocks"' in page and "アクセスログの保存期間" in page
    assert "/deadlines/cases/" in page
    page = web(supervisor).get(clock.case.get_absolute_url()).content.decode()
    assert "アクセスログの保存期間" in page
    assert "/deadlines/cases/" not in page


def test_another_desk_gets_404_on_every_clock_action(clock, outsider, web, today):
    reference = clock.case.reference
    for path, data in (
        ("clocks/", {"kind": "log_retention", "started_on": today.isoformat()}),
        ("clocks/step/", {"clock": clock.pk, "step": "disclosure_order", "done_on": today}),
        ("clocks/close/", {"clock": clock.pk, "reason": "acted"}),
    ):
        assert web(outsider).post(f"/deadlines/cases/{reference}/{path}", data).status_code == 404
    assert LegalClock.objects.count() == 1
    assert not ClockStep.objects.exists()
    clock.refresh_from_db()
    assert clock.is_open


def test_a_clock_of_another_desk_is_not_changed_through_ones_own_case(
    clock, open_case, other_desk, outsider, web, today
):
    theirs = open_case(desk=other_desk, by=outsider)
    response = web(outsider).post(
        f"/deadlines/cases/{theirs.reference}/clocks/close/", {"clock": clock.pk, "reason": "acted"}
    )
    assert response.status_code == 400
    assert "この相談にその期限はありません。" in response.content.decode()
    clock.refresh_from_db()
    assert clock.is_open


def test_a_supervisor_reads_but_does_not_start_a_clock(case, supervisor, web, today):
    response = web(supervisor).post(
        f"/deadlines/cases/{case.reference}/clocks/",
        {"kind": "log_retention", "started_on": today.isoformat()},
    )
    assert response.status_code == 403
    assert not LegalClock.objects.exists()


def test_the_counsellor_starts_steps_and_closes_a_clock(case, counsellor, web, today):
    client = web(counsellor)
    base = f"/deadlines/cases/{case.reference}/clocks/"
    started = today - datetime.timedelta(days=20)
    response = client.post(base, {"kind": "log_retention", "started_on": started.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("#clocks")
    clock = LegalClock.objects.get()
    response = client.post(
        base + "step/",
        {"clock": clock.pk, "step": "provision_order", "done_on": today.isoformat()},
    )
    assert response.status_code == 302
    assert clock.steps.get().kind.code == "provision_order"
    assert client.post(base + "close/", {"clock": clock.pk, "reason": "acted"}).status_code == 302
    clock.refresh_from_db()
    assert clock.closed_because == "acted"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "log_retention", "started_on": "2999-01-01"},
            "起算日に未来の日付は指定できません。",
        ),
        ({"kind": "statute", "started_on": "2026-01-01"}, "期限の種類"),
        ({"kind": "log_retention", "started_on": "昨日"}, "起算日"),
    ],
)
def test_bad_input_is_a_japanese_form_error(case, counsellor, web, data, message):
    response = web(counsellor).post(f"/deadlines/cases/{case.reference}/clocks/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body
    assert not LegalClock.objects.exists()
