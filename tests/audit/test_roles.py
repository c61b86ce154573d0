"""PostgreSQL: the application's role may only read and append to the audit trail.

The two roles of the README ("Audit trail") are made in the test database: an owner, who
owns the table as ``migrate`` would leave it, and the application's role with SELECT and
INSERT on it only. Roles are cluster-wide, so their names carry a random suffix and are made
inside the test's transaction, which rolls them back.
"""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]


@pytest.fixture
def roles(case):
    suffix = uuid.uuid4().hex[:10]
    owner, app = f"tsunagu_owner_{suffix}", f"tsunagu_app_{suffix}"
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks now: ALTER TABLE refuses while any are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}")
        cursor.execute(f"ALTER TABLE audit_auditentry OWNER TO {owner}")
    # The deployment's grants, as compose and bin/prod-stack run them after migrate:
    # everything to read and write for the app, but only SELECT and INSERT on the audit trail.
    call_command("audit", "grant", app, "--create", stdout=io.StringIO())
    return owner, app


def as_role(role: str, sql: str, params=()) -> None:
    """Run one statement as the role; on an error the savepoint's rollback undoes SET ROLE."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        cursor.execute(sql, params)
        cursor.execute("RESET ROLE")


REFUSED = [
    "TRUNCATE audit_auditentry",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_immutable",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_auditentry_immutable ON audit_auditentry",
    "ALTER TABLE audit_auditentry ADD COLUMN forged text",
    "ALTER TABLE audit_auditentry OWNER TO CURRENT_USER",
    "DROP TABLE audit_auditentry",
    "UPDATE audit_auditentry SET action = 'list'",
    "DELETE FROM audit_auditentry",
    "CREATE TRIGGER forged BEFORE INSERT ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change()",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_the_application_role_cannot_remove_or_change_entries(roles, sql):
    _owner, app = roles
    before = list(AuditEntry.objects.order_by("id").values_list("id", "action", "seal"))
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        transaction.atomic(),
    ):
        as_role(app, sql)
    assert list(AuditEntry.objects.order_by("id").values_list("id", "action", "seal")) == before


def test_the_application_role_appends_to_the_chain(roles, case, counsellor):
    _owner, app = roles
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app}")
        try:
            audit_record(actor=counsellor, action=AuditEntry.Action.VIEW, case=case)
        finally:
            cursor.execute("RESET ROLE")
    call_command("audit", "verify")


def test_the_grant_refuses_the_tables_owner_and_a_missing_role_and_is_safe_to_repeat(roles):
    owner, app = roles
    with pytest.raises(CommandError, match="所有者"):
        call_command("audit", "grant", owner)
    with pytest.raises(CommandError, match="--create"):
        call_command("audit", "grant", f"{app}_missing")
    call_command("audit", "grant", app, stdout=io.StringIO())
    with (
        pytest.raises(DatabaseError, match=r"permission denied"),
        transaction.atomic(),
    ):
        as_role(app, "DELETE FROM audit_auditentry")


def test_a_forged_insert_by_the_owner_is_named(roles):
    owner, _app = roles
    as_role(
        owner,
        "INSERT INTO audit_auditentry (at, action, case_reference, detail, via, seal) "
        "VALUES (now() - interval '30 days', 'view', 'GIFU-CITY-2026-0001', '{}', 'web', %s)",
        [AuditEntry.objects.order_by("-id").values_list("seal", flat=True).first()],
    )
    forged = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    with pytest.raises(CommandError, match=f"#{forged}"):
        call_command("audit", "verify")


def test_a_forged_insert_by_the_application_role_is_named(roles):
    _owner, app = roles
    as_role(
        app,
        "INSERT INTO audit_auditentry (at, action, case_reference, detail, via, seal) "
        "VALUES (now(), 'view', 'GIFU-CITY-2026-0001', '{}', 'web', %s)",
        ["f" * 64],
    )
    forged = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    with pytest.raises(CommandError, match=f"#{forged}"):
        call_command("audit", "verify")


def test_an_edit_by_the_owner_is_named(roles):
    owner, _app = roles
    edited = AuditEntry.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET ROLE {owner}")
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_immutable")
        cursor.execute("UPDATE audit_auditentry SET action = 'list' WHERE id = %s", [edited.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_immutable")
        cursor.execute("RESET ROLE")
    with pytest.raises(CommandError, match=f"#{edited.pk}"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_the_chain_linear(case, counsellor):
    """Eight threads, each with its own connection, append at once; the chain still verifies."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(8)
    errors = []

    def write() -> None:
        try:
            barrier.wait()
            for _ in range(10):
                audit_record(actor=counsellor, action=AuditEntry.Action.VIEW, case=case)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="view").count() == 80
    call_command("audit", "verify")
