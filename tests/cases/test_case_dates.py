"""The case list and the case page write dates the one way, in the reader's 西暦 or 和暦."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from referrals.models import FollowUp
from tests.referrals.followup_factories import CaseFactory

TAKEN_IN = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=datetime.UTC)  # 23:05 in Tokyo


@pytest.fixture
def case(desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    Case.objects.filter(pk=case.pk).update(created_at=TAKEN_IN)
    return case


def test_the_case_list_writes_the_intake_day_the_one_way(web, case, counsellor):
    page = web(counsellor).get("/cases/").content.decode()
    assert "2026年11月20日" in page
    assert "2026-11-20" not in page.replace('datetime="2026-11-20', "")


def test_the_case_page_writes_the_intake_in_the_desk_s_wareki(web, desk, case, counsellor):
    desk.date_style = "wareki"
    desk.save()
    page = web(counsellor).get(case.get_absolute_url()).content.decode()
    assert "令和8年11月20日 23:05" in page
    assert "2026年11月20日" not in page


def test_the_referral_timeline_writes_its_dates_in_the_reader_s_style(web, desk, case, counsellor):
    desk.date_style = "wareki"
    desk.save()
    due_on = timezone.localdate() + datetime.timedelta(days=3)
    FollowUp.objects.create(case=case, kind=FollowUp.Kind.REFERRAL, due_on=due_on)
    page = web(counsellor).get(case.get_absolute_url()).content.decode()
    assert f">令和{due_on.year - 2018}年{due_on.month}月{due_on.day}日</time>" in page
