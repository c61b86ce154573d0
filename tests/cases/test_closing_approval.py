"""Closing a case that carried an urgent flag or a いじめ重大事態 waits for a supervisor.

The desk's setting turns it on; then no path closes such a case without approval: the
service, the API, the HTML form and the admin site.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Desk
from audit.models import AuditEntry
from cases import approvals, services
from cases.models import Case, ClosingRequest, Note
from catalogue.models import Service
from core.digest import DigestRecipient
from referrals import services as referral_services
from referrals.models import FollowUp, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_desk(desk):
    Desk.objects.filter(pk=desk.pk).update(closing_needs_approval=True)
    desk.refresh_from_db()
    return desk


@pytest.fixture
def urgent_case(open_case, strict_desk):
    return open_case(flags=["suicidal"])


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_a_desk_without_the_setting_closes_urgent_cases_directly(open_case, counsellor):
    case = open_case(flags=["suicidal"])
    services.case_close(case=case, by=counsellor, reason="resolved")
    assert _reload(case).is_closed


def test_an_ordinary_case_closes_directly_at_a_strict_desk(open_case, strict_desk, counsellor):
    case = open_case()
    assert not services.closing_needs_approval(case)
    services.case_close(case=case, by=counsellor, reason="resolved")
    assert _reload(case).is_closed


def test_an_urgent_flag_taken_off_still_needs_approval(urgent_case, counsellor):
    services.case_update(case=urgent_case, by=counsellor, flags=[])
    assert services.closing_needs_approval(_reload(urgent_case))


def test_serious_bullying_needs_approval(open_case, strict_desk, counsellor):
    case = open_case(categories=["bullying"], serious_bullying=True)
    assert services.closing_needs_approval(case)


def test_the_service_refuses_to_close_without_approval(urgent_case, counsellor, admin_user):
    for user in (counsellor, admin_user):
        with pytest.raises(ValidationError) as refused:
            services.case_close(case=urgent_case, by=user, reason="resolved")
        assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.case_change(
            case=urgent_case, by=counsellor, status="closed", closure_reason="resolved"
        )
    assert not _reload(urgent_case).is_closed


def test_the_api_refuses_to_close_without_approval_naming_status(urgent_case, counsellor, api):
    response = api(counsellor).patch(
        f"/api/v1/cases/{urgent_case.reference}/",
        {"status": "closed", "closure_reason": "resolved"},
        format="json",
    )
    assert response.status_code == 400
    assert "status" in response.json()
    assert not _reload(urgent_case).is_closed


def test_the_html_form_refuses_to_close_without_approval(urgent_case, counsellor, web):
    response = web(counsellor).post(
        f"/cases/{urgent_case.reference}/close/", {"closure_reason": "resolved"}
    )
    assert response.status_code == 400
    assert "スーパーバイザーの承認が必要" in response.content.decode()
    assert not _reload(urgent_case).is_closed


def test_the_admin_site_cannot_close_it(urgent_case, admin_user, client):
    client.force_login(admin_user)
    url = f"/admin/cases/case/{urgent_case.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    client.post(
        url,
        {
            "situation": urgent_case.situation,
            "wishes": "[]",
            "categories": '["defamation"]',
            "flags": '["suicidal"]',
            "platforms": "[]",
            "age_band": "unknown",
            "status": "closed",
            "closure_reason": "resolved",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert not _reload(urgent_case).is_closed


def test_the_case_page_offers_a_request_instead_of_closing(urgent_case, counsellor, web):
    body = web(counsellor).get(urgent_case.get_absolute_url()).content.decode()
    assert f"/cases/{urgent_case.reference}/closing/request/" in body
    assert f'action="/cases/{urgent_case.reference}/close/"' not in body


def test_a_request_then_an_approval_closes_the_case(urgent_case, counsellor, supervisor, web):
    response = web(counsellor).post(
        f"/cases/{urgent_case.reference}/closing/request/",
        {"closure_reason": "partly_resolved", "note": "命の危険は去ったと判断した。"},
    )
    assert response.status_code == 302
    request = ClosingRequest.objects.get(case=urgent_case)
    assert request.status == ClosingRequest.Status.PENDING
    assert not _reload(urgent_case).is_closed

    page = web(supervisor).get(urgent_case.get_absolute_url()).content.decode()
    assert "承認して終了する" in page
    web(supervisor).post(f"/cases/{urgent_case.reference}/closing/approve/")
    case = _reload(urgent_case)
    assert (case.status, case.closure_reason) == ("closed", "partly_resolved")
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == ("approved", supervisor.pk)
    closing = AuditEntry.objects.filter(case_reference=case.reference)
    assert closing.filter(action="closing", detail__closing="requested").exists()
    assert closing.filter(action="close", actor=supervisor).exists()


def test_a_return_keeps_the_case_open_with_the_comment_on_the_timeline(
    urgent_case, counsellor, supervisor, api
):
    api(counsellor).post(
        f"/api/v1/cases/{urgent_case.reference}/closing-request/",
        {"closure_reason": "resolved"},
        format="json",
    )
    response = api(supervisor).post(
        f"/api/v1/cases/{urgent_case.reference}/closing-request/return/",
        {"comment": "フォローアップの結果を待ってから終了してください。"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert not _reload(urgent_case).is_closed
    note = Note.objects.get(case=urgent_case, kind=Note.Kind.CLOSING_RETURNED)
    assert note.author_id == supervisor.pk and "フォローアップ" in note.body
    # Returned, the counsellor may ask again.
    again = api(counsellor).post(
        f"/api/v1/cases/{urgent_case.reference}/closing-request/",
        {"closure_reason": "resolved"},
        format="json",
    )
    assert again.status_code == 201


def test_a_return_comment_with_personal_data_is_refused(urgent_case, counsellor, supervisor, api):
    services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    response = api(supervisor).post(
        f"/api/v1/cases/{urgent_case.reference}/closing-request/return/",
        {"comment": "山田太郎さんに 090-1234-5678 で確認してください。"},
        format="json",
    )
    assert response.status_code == 400
    assert "comment" in response.json() and "phone" in response.json()["pii"]
    assert ClosingRequest.objects.get(case=urgent_case).status == "pending"
    assert not Note.objects.filter(kind=Note.Kind.CLOSING_RETURNED).exists()


def test_a_counsellor_cannot_approve_and_another_desk_gets_404(
    urgent_case, counsellor, outsider, api
):
    services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    mine = api(counsellor).post(f"/api/v1/cases/{urgent_case.reference}/closing-request/approve/")
    assert mine.status_code == 400
    theirs = api(outsider).post(f"/api/v1/cases/{urgent_case.reference}/closing-request/approve/")
    assert theirs.status_code == 404
    assert not _reload(urgent_case).is_closed


def test_a_request_needs_a_case_that_needs_approval(open_case, strict_desk, counsellor, api):
    case = open_case()
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/closing-request/",
        {"closure_reason": "resolved"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()


def test_a_bad_reason_code_is_a_400_naming_the_field(urgent_case, counsellor, api):
    response = api(counsellor).post(
        f"/api/v1/cases/{urgent_case.reference}/closing-request/",
        {"closure_reason": "bored"},
        format="json",
    )
    assert response.status_code == 400 and "closure_reason" in response.json()


def test_one_pending_request_per_case(urgent_case, counsellor):
    services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    with pytest.raises(ValidationError):
        services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")


def test_open_follow_ups_are_checked_at_the_request_and_closed_at_approval(
    urgent_case, counsellor, supervisor
):
    referral_services.referral_record(
        case=urgent_case,
        service=Service.objects.get(slug="yorisoi"),
        method=Referral.Method.INFO_GIVEN,
        referred_by=counsellor,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError) as refused:
        services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    assert "follow_up_reason" in refused.value.message_dict
    services.closing_request_submit(
        case=urgent_case, by=counsellor, reason="resolved", follow_up_reason="handled_elsewhere"
    )
    assert FollowUp.objects.open().filter(case=urgent_case).count() == 1
    services.closing_request_approve(case=urgent_case, by=supervisor)
    assert FollowUp.objects.open().filter(case=urgent_case).count() == 0


def test_the_digest_lists_pending_approvals_to_the_desks_supervisors_only(
    urgent_case, counsellor, supervisor, strict_desk, other_desk
):
    services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    today = timezone.localdate()
    recipients = [
        DigestRecipient(
            digest_id=1,
            user_id=supervisor.pk,
            period=today,
            today=today,
            readable_desk_ids=frozenset({strict_desk.pk}),
            supervised_desk_ids=frozenset({strict_desk.pk}),
        ),
        DigestRecipient(
            digest_id=2,
            user_id=counsellor.pk,
            period=today,
            today=today,
            readable_desk_ids=frozenset({strict_desk.pk}),
        ),
        DigestRecipient(
            digest_id=3,
            user_id=0,
            period=today,
            today=today,
            readable_desk_ids=frozenset({other_desk.pk}),
            supervised_desk_ids=frozenset({other_desk.pk}),
        ),
    ]
    sections = approvals.digest_section(recipients)
    assert [row["reference"] for row in sections[1]["rows"]] == [urgent_case.reference]
    assert sections.get(2) is None and sections.get(3) is None
    services.closing_request_approve(case=urgent_case, by=supervisor)
    assert approvals.digest_section(recipients).get(1) is None


def test_the_approvals_page_lists_the_desks_pending_requests(
    urgent_case, counsellor, supervisor, outsider, web
):
    services.closing_request_submit(case=urgent_case, by=counsellor, reason="resolved")
    assert (
        urgent_case.reference in web(supervisor).get("/cases/closing-approvals/").content.decode()
    )
    assert (
        urgent_case.reference not in web(outsider).get("/cases/closing-approvals/").content.decode()
    )
