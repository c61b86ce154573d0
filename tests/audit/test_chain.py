"""The HMAC chain: an intact trail verifies; a forged, edited or removed entry is named.

The forgeries are made as an attacker with database access would: raw SQL, and — where the
triggers would refuse — with them out of the way, as the owner of the table can do
(SQLite: dropping the trigger; PostgreSQL: the owner role, tests/audit/test_roles.py).
"""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from audit import chain
from audit.checks import audit_key_is_set
from audit.models import AuditEntry, StagedEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(case, counsellor):
    """A few entries of one case: its intake and three reads."""
    for _ in range(3):
        audit_record(actor=counsellor, action=AuditEntry.Action.VIEW, case=case)
    return list(AuditEntry.objects.order_by("id"))


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def forge_insert(**values) -> int:
    """Insert an entry with SQL, as a role allowed to INSERT could; return its id."""
    row = {
        "at": timezone.now() - datetime.timedelta(days=30),
        "action": "view",
        "case_reference": "GIFU-CITY-2026-0001",
        "desk_id": None,
        "detail": "{}",
        "ip": "192.0.2.1",
        "via": "web",
        "seal": "0" * 64,
        "actor_id": None,
        **values,
    }
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO audit_auditentry ({columns}) VALUES ({marks})", list(row.values())
        )
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()


def without_triggers(sql: str, params: list) -> None:
    """Run a statement the triggers refuse, with them out of the way as the table's owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_immutable"
            )
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_immutable")
        else:
            cursor.execute("DROP TRIGGER audit_auditentry_no_update")
            cursor.execute("DROP TRIGGER audit_auditentry_no_delete")
            cursor.execute(sql, params)


def test_an_intact_trail_verifies(trail):
    assert "正常" in verify()


def test_each_entry_is_sealed_over_the_one_before(trail):
    previous = chain.GENESIS
    for entry in trail:
        assert entry.seal == chain.seal(previous, entry)
        previous = entry.seal
    assert len({entry.seal for entry in trail}) == len(trail)


def test_a_forged_insert_is_named(trail):
    forged = forge_insert()
    with pytest.raises(CommandError, match=f"#{forged}"):
        verify()


def test_a_forged_insert_that_copies_a_real_seal_is_named(trail):
    forged = forge_insert(seal=trail[-1].seal)
    with pytest.raises(CommandError, match=f"#{forged}"):
        verify()


def test_an_insert_sealed_with_another_key_is_named(trail):
    entry = AuditEntry(at=timezone.now(), action="view", case_reference="X", via="web")
    with override_settings(AUDIT_KEY="a-key-the-attacker-guessed-" + "x" * 20):
        forged_seal = chain.seal(trail[-1].seal, entry)
    forged = forge_insert(at=entry.at, case_reference="X", ip=None, seal=forged_seal, detail="{}")
    with pytest.raises(CommandError, match=f"#{forged}"):
        verify()


def test_an_edited_entry_is_named(trail):
    edited = trail[1]
    without_triggers("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["list", edited.pk])
    with pytest.raises(CommandError, match=f"#{edited.pk}"):
        verify()


def test_a_back_dated_entry_is_named(trail):
    edited = trail[2]
    without_triggers(
        "UPDATE audit_auditentry SET at = %s WHERE id = %s",
        [edited.at - datetime.timedelta(days=1), edited.pk],
    )
    with pytest.raises(CommandError, match=f"#{edited.pk}"):
        verify()


def test_a_removed_entry_names_the_one_after_it(trail):
    without_triggers("DELETE FROM audit_auditentry WHERE id = %s", [trail[1].pk])
    with pytest.raises(CommandError, match=f"#{trail[2].pk}"):
        verify()


def test_new_entries_follow_on_after_a_check(trail, counsellor, case):
    verify()
    audit_record(actor=counsellor, action=AuditEntry.Action.VIEW, case=case)
    assert "正常" in verify()


def test_entries_written_together_are_chained_in_order(trail, counsellor, case, open_case):
    from audit.services import audit_record_many

    audit_record_many(actor=counsellor, action=AuditEntry.Action.LIST, cases=[case, open_case()])
    assert "正常" in verify()


@override_settings(DEBUG=False, AUDIT_KEY="")
def test_it_refuses_to_start_without_a_key_when_debug_is_off():
    assert [error.id for error in audit_key_is_set()] == ["audit.E001"]


@override_settings(DEBUG=False, AUDIT_KEY="short")
def test_it_refuses_a_short_key():
    assert [error.id for error in audit_key_is_set()] == ["audit.E002"]


@override_settings(DEBUG=False, AUDIT_KEY="k" * 40)
def test_a_long_key_passes_the_check():
    assert audit_key_is_set() == []


@override_settings(DEBUG=False, AUDIT_KEY="")
def test_nothing_is_written_without_a_key(case, counsellor):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        audit_record(actor=counsellor, action=AuditEntry.Action.VIEW, case=case)


def staged_entries(count: int, reference: str = "GIFU-CITY-2026-0001") -> list[AuditEntry]:
    return [
        AuditEntry(action=AuditEntry.Action.SHRED, case_reference=reference, detail={"n": n})
        for n in range(count)
    ]


def test_staged_entries_are_sealed_in_the_order_staged_a_chunk_at_a_time(trail):
    with transaction.atomic():
        chain.stage(staged_entries(60))
    # Staged, they are not yet part of the trail, which still verifies.
    assert AuditEntry.objects.count() == len(trail)
    assert chain.verify() is None
    assert chain.seal_staged(chunk=25) == 60
    assert not StagedEntry.objects.exists()
    sealed = AuditEntry.objects.order_by("id")[len(trail) :]
    assert [entry.detail["n"] for entry in sealed] == list(range(60))
    assert "正常" in verify()
    assert chain.seal_staged() == 0


def test_staged_entries_go_back_with_the_work_they_record():
    with pytest.raises(RuntimeError), transaction.atomic():
        chain.stage(staged_entries(3))
        raise RuntimeError("the job failed")
    assert not StagedEntry.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sealers_running_at_once_seal_each_entry_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("threads cannot share SQLite's in-memory test database reliably")
    chain.stage(staged_entries(200))
    counts, errors = [], []
    barrier = threading.Barrier(3)

    def seal() -> None:
        try:
            barrier.wait()
            counts.append(chain.seal_staged(chunk=7))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 200
    assert sorted(e.detail["n"] for e in AuditEntry.objects.all()) == list(range(200))
    assert chain.verify() is None
