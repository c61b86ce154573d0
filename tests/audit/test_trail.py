import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.test import override_settings

from audit import services as audit
from audit.models import AuditEntry
from cases import services
from config import settings as config_settings

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "Aさんが掲示板で『最低な人』と書かれた件。"


@pytest.fixture
def entry(case):
    return AuditEntry.objects.get(action="create", case_reference=case.reference)


def test_the_database_refuses_to_update_an_entry(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="view")
    entry.refresh_from_db()
    assert entry.action == "create"


def test_the_database_refuses_to_save_changes_to_an_entry(entry, outsider):
    entry.actor = outsider
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    entry.refresh_from_db()
    assert entry.actor.username == "owner"


def test_the_database_refuses_to_delete_entries(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_raw_sql_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_records_who_what_when_and_from_where(web, counsellor, case):
    client = web(counsellor)
    client.get(case.get_absolute_url(), REMOTE_ADDR="192.0.2.10")
    entry = AuditEntry.objects.filter(action="view").get()
    assert (entry.actor, entry.case_reference, entry.desk_id) == (
        counsellor,
        case.reference,
        case.desk_id,
    )
    assert (entry.ip, entry.via) == ("192.0.2.10", "web")
    assert entry.at is not None


def viewed_from(client, case, **headers) -> str | None:
    client.get(case.get_absolute_url(), **headers)
    return AuditEntry.objects.filter(action="view").latest("id").ip


def test_a_forwarded_address_is_ignored_when_no_proxy_is_trusted(web, counsellor, case):
    headers = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert viewed_from(web(counsellor), case, **headers) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_it_records_the_client_the_proxy_saw(web, counsellor, case):
    headers = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert viewed_from(web(counsellor), case, **headers) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_an_address_the_client_wrote_itself_is_not_believed(web, counsellor, case):
    # The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended what it saw.
    headers = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}
    assert viewed_from(web(counsellor), case, **headers) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_a_request_that_bypasses_the_proxy_keeps_its_own_address(web, counsellor, case):
    headers = {"REMOTE_ADDR": "192.0.2.44", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert viewed_from(web(counsellor), case, **headers) == "192.0.2.44"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::1"])
@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "client"),
    [
        ("10.0.0.5", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7:51234", "203.0.113.7"),
        ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8:ffff::1", "2001:DB8::7", "2001:db8::7"),
        ("10.0.0.5", "10.9.9.9, 10.1.2.3", "10.9.9.9"),
        ("10.0.0.5", "unknown, 10.1.2.3", "10.1.2.3"),
        ("10.0.0.5", "203.0.113.7, unknown", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", None, "10.0.0.5"),
        ("not an address", "203.0.113.7", None),
    ],
)
def test_it_reads_forwarded_for_from_the_right(remote_addr, forwarded_for, client):
    assert audit.client_ip(remote_addr, forwarded_for) == client


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_an_asgi_request_behind_a_trusted_proxy_records_the_forwarded_client():
    scope = {
        "path": "/api/v1/cases/",
        "client": ("10.0.0.5", 40000),
        "headers": [(b"x-forwarded-for", b"198.51.100.1"), (b"x-forwarded-for", b"203.0.113.7")],
    }
    audit.request_started(None, scope=scope)
    try:
        assert audit.current_origin() == ("203.0.113.7", "api")
    finally:
        audit.request_finished(None)


def test_trusted_proxies_must_be_addresses_or_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12, ::1")
    assert config_settings.env_networks("TRUSTED_PROXIES") == ["10.0.0.5", "172.16.0.0/12", "::1"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5, proxy.internal")
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.internal"):
        config_settings.env_networks("TRUSTED_PROXIES")


def test_no_proxy_is_trusted_by_default(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert config_settings.env_networks("TRUSTED_PROXIES") == []


def test_it_records_api_reads_as_api(api, counsellor, case):
    api(counsellor).get(f"/api/v1/cases/{case.reference}/", REMOTE_ADDR="2001:db8::1")
    entry = AuditEntry.objects.filter(action="view").get()
    assert (entry.ip, entry.via) == ("2001:db8::1", "api")


def test_it_records_each_case_shown_on_a_list(web, api, counsellor, open_case):
    cases = [open_case(), open_case()]
    web(counsellor).get("/cases/")
    api(counsellor).get("/api/v1/cases/")
    listed = AuditEntry.objects.filter(action="list")
    assert sorted(listed.values_list("case_reference", flat=True)) == sorted(
        [c.reference for c in cases] * 2
    )
    assert set(listed.values_list("via", flat=True)) == {"web", "api"}


def test_it_records_changes_and_exports(web, counsellor, deskmate, case):
    client = web(counsellor)
    client.post(f"/cases/{case.reference}/notes/", {"body": "Aさんから続報。"})
    client.post(f"/cases/{case.reference}/reassign/", {"assigned_to": deskmate.username})
    client.get("/cases/export.csv")
    client.post(f"/cases/{case.reference}/close/", {"closure_reason": "resolved"})
    actions = list(
        AuditEntry.objects.filter(case_reference=case.reference)
        .exclude(action="view")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(["create", "note", "reassign", "export", "close"])
    reassign = AuditEntry.objects.get(action="reassign")
    assert reassign.detail == {"from": "owner", "to": "deskmate"}


def test_free_text_never_reaches_the_trail(web, api, counsellor, open_case):
    case = open_case(summary=SECRET_SUMMARY)
    services.note_add(case=case, by=counsellor, body="続報：最低な人と再投稿")
    services.case_update(case=case, by=counsellor, summary="訂正：最低な人と書かれた")
    services.case_close(case=case, by=counsellor, reason="resolved", note="最低な人の件、完了")
    services.case_reopen(case=case, by=counsellor, reason="最低な人が再投稿")
    web(counsellor).get(case.get_absolute_url())
    api(counsellor).get(f"/api/v1/cases/{case.reference}/")
    for entry in AuditEntry.objects.all():
        assert "最低" not in str(entry.detail)
        assert "最低" not in str(entry.__dict__)


def test_a_supervisor_reads_the_trail_of_their_desks_only(web, supervisor, case, outsider):
    from cases.models import Case

    other = services.case_open(
        desk=outsider.memberships.get().desk, opened_by=outsider, situation="worries"
    )
    response = web(supervisor).get("/cases/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page
    assert other.reference not in page
    assert Case.objects.count() == 2


def test_a_supervisor_filters_the_trail_by_reference(web, supervisor, open_case):
    first, second = open_case(), open_case()
    page = web(supervisor).get(f"/cases/audit/?reference={first.reference}").content.decode()
    assert first.reference in page
    assert second.reference not in page


def test_counsellors_do_not_see_the_trail(web, counsellor, case):
    assert web(counsellor).get("/cases/audit/").status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_whole_database_wipe_still_empties_the_trail(desk, counsellor):
    """The flush after this test (as TRUNCATE on PostgreSQL) must pass the triggers."""
    services.case_open(desk=desk, opened_by=counsellor, situation="worries")
    assert AuditEntry.objects.filter(action="create").count() == 1
