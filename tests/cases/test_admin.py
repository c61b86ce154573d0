import pytest

from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        UserFactory(
            username="site-admin", is_staff=True, is_superuser=True, second_factor_exempt=True
        )
    )
    return client


def change_url(case):
    return f"/admin/cases/case/{case.pk}/change/"


def form_data(case, **changes):
    data = {
        "situation": case.situation,
        "wishes": '["delete"]',
        "categories": '["defamation"]',
        "flags": "[]",
        "age_band": case.age_band,
        "consulter": case.consulter,
        "channel": case.channel,
        "platforms": "[]",
        "summary": case.summary,
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_personal_data_in_the_summary(admin_client, case):
    before = case.summary
    response = admin_client.post(change_url(case), form_data(case, summary="mail: a@example.jp"))
    assert response.status_code == 200
    assert "メールアドレス" in response.content.decode()
    case.refresh_from_db()
    assert case.summary == before


def test_admin_changes_go_through_the_service_and_are_audited(admin_client, case):
    response = admin_client.post(
        change_url(case), form_data(case, summary="Bさんの件に訂正。", flags='["minor"]')
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.summary, case.flags) == ("Bさんの件に訂正。", ["minor"])
    entry = AuditEntry.objects.get(action="update")
    assert (entry.via, entry.actor.username) == ("admin", "site-admin")
    assert sorted(entry.detail["fields"]) == ["flags", "summary"]


def test_reading_a_case_in_the_admin_is_audited(admin_client, case):
    assert admin_client.get(change_url(case)).status_code == 200
    assert AuditEntry.objects.filter(
        action="view", via="admin", case_reference=case.reference
    ).exists()


def test_cases_are_neither_added_nor_deleted_in_the_admin(admin_client, case):
    assert admin_client.get("/admin/cases/case/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_the_audit_trail_is_read_only_in_the_admin(admin_client, case):
    entry = AuditEntry.objects.get(action="create")
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    page = admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="auditentry_form"')[-1]
    assert (
        admin_client.post(
            f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
