"""Closing a case: open follow-ups stop it unless the counsellor says why they will not be checked."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from cases.models import Case
from cases.services import case_close
from catalogue.models import Service
from referrals.models import FollowUp
from referrals.services import referral_record
from tests.referrals.followup_factories import CaseFactory


@pytest.fixture
def referred_case(desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method="info_given",
        referred_by=counsellor,
    )
    return case


def test_a_case_with_an_open_follow_up_cannot_be_closed_without_a_reason(referred_case, counsellor):
    with pytest.raises(ValidationError) as refused:
        case_close(case=referred_case, by=counsellor, reason="resolved")
    assert "follow_up_reason" in refused.value.message_dict
    assert "1件" in refused.value.message_dict["follow_up_reason"][0]
    referred_case.refresh_from_db()
    assert referred_case.status != Case.Status.CLOSED
    assert FollowUp.objects.open().filter(case=referred_case).count() == 1


def test_with_a_reason_the_case_closes_and_its_follow_ups_are_closed_too(referred_case, counsellor):
    case_close(
        case=referred_case,
        by=counsellor,
        reason="lost_contact",
        data={"follow_up_reason": "lost_contact"},
    )
    referred_case.refresh_from_db()
    assert referred_case.status == Case.Status.CLOSED
    follow_up = FollowUp.objects.get(case=referred_case)
    assert not follow_up.is_open
    assert follow_up.result == FollowUp.Result.CASE_CLOSED
    assert follow_up.closed_because == "lost_contact"
    assert follow_up.done_by == counsellor


def test_an_unknown_reason_is_refused(referred_case, counsellor):
    with pytest.raises(ValidationError):
        case_close(
            case=referred_case, by=counsellor, reason="resolved", data={"follow_up_reason": "x"}
        )


def test_a_case_whose_follow_ups_are_done_closes_without_a_reason(desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    case_close(case=case, by=counsellor, reason="resolved")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def render_close_field(case, **context):
    return Template("{% load referral_tags %}{% close_follow_ups_field case %}").render(
        Context({"case": case, **context})
    )


def test_the_close_form_asks_why_when_follow_ups_are_open(referred_case):
    html = render_close_field(referred_case)
    assert "未完了のフォローアップが1件あります" in html
    assert 'name="follow_up_reason"' in html
    assert "相談者と連絡が取れない" in html


def test_the_close_form_asks_nothing_when_no_follow_up_is_open(desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    assert render_close_field(case).strip() == ""


def test_the_case_api_refuses_closing_with_open_follow_ups_naming_the_field(
    api, referred_case, counsellor
):
    url = f"/api/v1/cases/{referred_case.reference}/"
    client = api(counsellor)
    refused = client.patch(url, {"status": "closed", "closure_reason": "resolved"}, format="json")
    assert refused.status_code == 400
    assert "follow_up_reason" in refused.json()
    closed = client.patch(
        url,
        {"status": "closed", "closure_reason": "resolved", "follow_up_reason": "no_longer_needed"},
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert not FollowUp.objects.open().filter(case=referred_case).exists()
