"""Leavers and movers: access ends at once, and no open case is left without an owner."""

import datetime

import pytest
from django.core import mail

from accounts.models import Membership
from accounts.services import token_create
from audit.models import AuditEntry
from cases.models import Note
from reminders import services as reminders
from retention.handovers import case_hand_over, ownerless_cases
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.followup_factories import case_with_follow_ups, tokyo

pytestmark = pytest.mark.django_db

MONDAY = tokyo(2026, 12, 7, 9, 30)


def deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


def handover_list(web, supervisor) -> str:
    response = web(supervisor).get("/retention/handovers/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_deactivated_users_open_session_and_token_fail_on_the_next_request(
    case, counsellor, client
):
    client.force_login(counsellor)
    _token, key = token_create(user=counsellor, name="API", scope="write")
    assert client.get(case.get_absolute_url()).status_code == 200
    deactivate(counsellor)
    assert client.get(case.get_absolute_url()).status_code == 302
    response = client.get(f"/api/v1/cases/{case.reference}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)


def test_a_leavers_open_cases_wait_for_a_new_owner(
    open_case, closed_case, counsellor, deskmate, supervisor, web
):
    leavers = open_case()
    closed = closed_case()
    someone_elses = open_case(by=deskmate)
    assert handover_list(web, supervisor).count("<tr>") == 0
    deactivate(counsellor)
    page = handover_list(web, supervisor)
    assert leavers.reference in page
    assert closed.reference not in page
    assert someone_elses.reference not in page


def test_a_counsellor_removed_from_a_desk_leaves_its_cases_to_be_handed_over(
    open_case, counsellor, supervisor, web
):
    case = open_case()
    Membership.objects.filter(user=counsellor, desk=case.desk).delete()
    assert case.reference in handover_list(web, supervisor)
    assert web(counsellor).get(case.get_absolute_url()).status_code == 404


def test_the_supervisor_hands_a_case_over_and_it_leaves_the_list(
    open_case, counsellor, deskmate, supervisor, web
):
    case = open_case()
    deactivate(counsellor)
    response = web(supervisor).post(
        "/retention/handovers/", {"reference": case.reference, "assignee": deskmate.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == deskmate
    assert Note.objects.filter(case=case, kind="reassigned", assignee=deskmate).exists()
    assert AuditEntry.objects.filter(
        case_reference=case.reference, action="reassign", actor=supervisor
    ).exists()
    assert case.reference not in handover_list(web, supervisor)


def test_a_case_goes_only_to_an_active_counsellor_of_its_desk(
    open_case, counsellor, deskmate, outsider, supervisor
):
    case = open_case()
    deactivate(counsellor)
    with pytest.raises(Exception, match="同じデスクの相談員"):
        case_hand_over(by=supervisor, reference=case.reference, assignee_id=outsider.pk)
    deactivate(deskmate)
    with pytest.raises(Exception, match="同じデスクの相談員"):
        case_hand_over(by=supervisor, reference=case.reference, assignee_id=deskmate.pk)
    assert ownerless_cases([case.desk_id]).filter(pk=case.pk).exists()


def test_another_desks_supervisor_neither_sees_nor_hands_over(
    open_case, counsellor, deskmate, other_desk, web
):
    stranger = MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user
    case = open_case()
    deactivate(counsellor)
    assert case.reference not in handover_list(web, stranger)
    response = web(stranger).post(
        "/retention/handovers/", {"reference": case.reference, "assignee": deskmate.pk}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assigned_to_id != deskmate.pk


def test_counsellors_may_not_open_the_list(counsellor, web):
    assert web(counsellor).get("/retention/handovers/").status_code == 403


def test_the_supervisors_digest_escalates_ownerless_cases_until_they_have_an_owner(
    open_case, counsellor, deskmate, supervisor
):
    case = open_case()
    deactivate(counsellor)
    reminders.sweep(now=MONDAY)
    [message] = [m for m in mail.outbox if m.to == [supervisor.email]]
    assert "担当者のいない相談記録が 1件" in message.body
    assert "/retention/handovers/" in message.body
    assert case.summary not in message.body
    case_hand_over(by=supervisor, reference=case.reference, assignee_id=deskmate.pk)
    mail.outbox.clear()
    reminders.sweep(now=MONDAY + datetime.timedelta(days=7))
    assert all("担当者のいない" not in m.body for m in mail.outbox)


@pytest.mark.parametrize("leaves", [False, True])
def test_a_leaver_gets_no_digest(desk, leaves):
    leaver = UserFactory(username="leaver", email="leaver@example.jp")
    MembershipFactory(user=leaver, desk=desk)
    case_with_follow_ups(desk=desk, assigned_to=leaver, due=[MONDAY.date()])
    if leaves:
        deactivate(leaver)
    reminders.sweep(now=MONDAY)
    assert len([m for m in mail.outbox if m.to == [leaver.email]]) == (0 if leaves else 1)
