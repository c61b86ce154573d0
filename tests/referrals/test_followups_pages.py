"""The follow-up pages: this week's list, one-step recording, the case's referral timeline."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.utils import timezone

from referrals import selectors
from referrals import services as referral_services
from referrals.models import DeletionRequest, FollowUp, Referral
from tests.referrals.followup_factories import CaseFactory, case_with_follow_ups

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def case(desk, counsellor):
    return CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)


@pytest.fixture
def referral(case, counsellor):
    from catalogue.models import Service

    return referral_services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method="info_given",
        referred_by=counsellor,
    )


def test_the_week_page_shows_my_overdue_and_due_follow_ups(web, desk, counsellor, deskmate, today):
    late = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[today - 3 * DAY])
    soon = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[today + 2 * DAY])
    later = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[today + 20 * DAY])
    theirs = case_with_follow_ups(desk=desk, assigned_to=deskmate, due=[today])
    page = web(counsellor).get("/follow-ups/").content.decode()
    assert late.reference in page
    assert "3日超過" in page
    assert soon.reference in page
    assert later.reference not in page
    assert theirs.reference not in page
    desk_page = web(counsellor).get("/follow-ups/", {"scope": "desk"}).content.decode()
    assert theirs.reference in desk_page


def test_the_week_page_never_shows_another_desks_follow_ups(
    web, other_desk, outsider, counsellor, today
):
    theirs = case_with_follow_ups(desk=other_desk, assigned_to=outsider, due=[today])
    page = web(counsellor).get("/follow-ups/", {"scope": "desk"}).content.decode()
    assert theirs.reference not in page


def test_an_outcome_is_recorded_in_one_step_with_htmx(web, counsellor, referral, today):
    follow_up = referral.follow_ups.get()
    prefix = f"f{follow_up.pk}"
    response = web(counsellor).post(
        f"/follow-ups/{follow_up.pk}/record/",
        {
            f"{prefix}-result": "reached",
            f"{prefix}-outcome": "advice_received",
            f"{prefix}-referral_status": "",
            f"{prefix}-next_on": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html
    assert "フォローアップを記録しました" in html
    follow_up.refresh_from_db()
    assert follow_up.result == "reached"
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("concluded", "advice_received")


def test_recording_without_htmx_redirects_to_the_week(web, counsellor, referral, today):
    follow_up = referral.follow_ups.get()
    prefix = f"f{follow_up.pk}"
    next_on = (today + 5 * DAY).isoformat()
    response = web(counsellor).post(
        f"/follow-ups/{follow_up.pk}/record/",
        {f"{prefix}-result": "waiting", f"{prefix}-next_on": next_on},
    )
    assert response.status_code == 302
    assert FollowUp.objects.open().get().due_on.isoformat() == next_on


def test_a_missing_result_is_explained_in_japanese(web, counsellor, referral):
    follow_up = referral.follow_ups.get()
    response = web(counsellor).post(f"/follow-ups/{follow_up.pk}/record/", {})
    assert response.status_code == 200
    assert "この項目は必須です" in response.content.decode()
    assert FollowUp.objects.get().is_open


def test_the_record_form_is_accessible(web, counsellor, referral):
    follow_up = referral.follow_ups.get()
    html = web(counsellor).get(f"/follow-ups/{follow_up.pk}/record/").content.decode()
    assert "<legend>確認の結果" in html
    assert f'for="id_f{follow_up.pk}-next_on"' in html


def test_a_referral_is_recorded_from_the_case_page(web, counsellor, case, today):
    client = web(counsellor)
    form = client.get(f"/follow-ups/cases/{case.reference}/refer/", {"service": "houterasu"})
    assert "selected>法テラス" in form.content.decode()
    response = client.post(
        f"/follow-ups/cases/{case.reference}/refer/",
        {
            "service": Referral._meta.get_field("service")
            .related_model.objects.get(slug="houterasu")
            .pk,
            "method": "desk_contacted",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent_recorded_at is not None
    assert referral.follow_ups.get().due_on == today + 14 * DAY


def test_the_referral_form_refuses_acting_without_consent(web, counsellor, case):
    from catalogue.models import Service

    response = web(counsellor).post(
        f"/follow-ups/cases/{case.reference}/refer/",
        {"service": Service.objects.get(slug="ihaho").pk, "method": "accompanied"},
    )
    assert response.status_code == 200
    assert "同意を確認して記録してください" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_deletion_request_is_recorded_from_the_case_page(web, counsellor, case, today):
    from referrals.models import DesignatedPlatform

    response = web(counsellor).post(
        f"/follow-ups/cases/{case.reference}/deletion-request/",
        {
            "platform": DesignatedPlatform.objects.get(code="tiktok").pk,
            "sent_by": "desk",
            "sent_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    assert DeletionRequest.objects.get().follow_ups.get().due_on == today + 7 * DAY


def test_every_page_of_another_desks_case_is_a_404(web, outsider, case, referral):
    client = web(outsider)
    follow_up = referral.follow_ups.get()
    for url in (
        f"/follow-ups/{follow_up.pk}/record/",
        f"/follow-ups/cases/{case.reference}/refer/",
        f"/follow-ups/cases/{case.reference}/deletion-request/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/follow-ups/referrals/{referral.pk}/status/", {"status": "contacted"}
        ).status_code
        == 404
    )
    assert Referral.objects.get().status == "recorded"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/follow-ups/").status_code == 302


def test_the_referral_status_moves_from_the_timeline(web, counsellor, referral):
    response = web(counsellor).post(
        f"/follow-ups/referrals/{referral.pk}/status/", {"status": "contacted", "outcome": ""}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "contacted"


def test_an_illegal_step_from_the_timeline_is_explained(web, counsellor, referral):
    client = web(counsellor)
    client.post(f"/follow-ups/referrals/{referral.pk}/status/", {"status": "in_progress"})
    response = client.post(f"/follow-ups/referrals/{referral.pk}/status/", {"status": "contacted"})
    assert response.status_code == 302
    explained = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("には変更できません" in message for message in explained)
    referral.refresh_from_db()
    assert referral.status == "in_progress"


def test_the_timeline_shows_referrals_follow_ups_and_requests(counsellor, case, referral, today):
    from referrals.models import DesignatedPlatform

    referral_services.deletion_request_record(
        case=case,
        platform=DesignatedPlatform.objects.get(code="x"),
        sent_by="person",
        sent_on=today,
        recorded_by=counsellor,
    )
    html = Template("{% load referral_tags %}{% referral_timeline case %}").render(
        Context({"case": case})
    )
    assert "違法・有害情報相談センター" in html
    assert "連絡先を案内した" in html
    assert "X（旧Twitter） に削除を申出" in html
    assert "プラットフォームの回答期限" in html
    assert "案内を記録" in html


def test_the_timeline_offers_no_changes_to_a_reader_who_may_not_change_the_case(case, referral):
    html = Template("{% load referral_tags %}{% referral_timeline case %}").render(
        Context({"case": case, "can_change": False})
    )
    assert "違法・有害情報相談センター" in html
    assert "案内を記録" not in html
    assert "結果を記録する" not in html
    assert "<form" not in html


def test_digest_preferences_are_saved(web, counsellor):
    client = web(counsellor)
    response = client.post(
        "/follow-ups/settings/", {"digest_weekday": 3, "digest_hour": 16, "digest_paused": "on"}
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert (counsellor.digest_weekday, counsellor.digest_hour, counsellor.digest_paused) == (
        3,
        16,
        True,
    )
    refused = client.post("/follow-ups/settings/", {"digest_weekday": 9, "digest_hour": 25})
    assert refused.status_code == 200
    counsellor.refresh_from_db()
    assert counsellor.digest_hour == 16


def test_the_week_page_shows_at_most_its_limit_and_says_so(web, desk, counsellor, monkeypatch):
    today = timezone.localdate()
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    FollowUp.objects.bulk_create(
        FollowUp(case=case, kind=FollowUp.Kind.REFERRAL, due_on=today - datetime.timedelta(days=n))
        for n in range(1, 6)
    )
    monkeypatch.setattr(selectors, "WEEK_LIST_LIMIT", 3)
    page = web(counsellor).get("/follow-ups/").content.decode()
    assert page.count('class="followup') >= 3
    assert ">5</span>" in page
    assert "期限の早いものから 3 件を表示しています。" in page
