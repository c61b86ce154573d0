"""Make the database itself refuse to change or delete audit entries.

Row triggers on both databases: UPDATE and DELETE raise. A whole-database wipe still works
(PostgreSQL's TRUNCATE fires no row triggers; on SQLite ``flush`` runs with the
``tsunagu_audit_erasable()`` function answering 1, see audit/services.py). A connection that
lacks that function, such as the sqlite3 shell, cannot delete entries at all.
"""

from django.db import migrations

POSTGRESQL_FORWARDS = """
CREATE FUNCTION audit_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_immutable
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change();
"""
POSTGRESQL_BACKWARDS = """
DROP TRIGGER IF EXISTS audit_auditentry_immutable ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse_change();
"""
SQLITE_FORWARDS = [
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'audit entries cannot be changed or deleted');
    END;
    """,
    """
    CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN tsunagu_audit_erasable() = 0
    BEGIN
        SELECT RAISE(ABORT, 'audit entries cannot be changed or deleted');
    END;
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete;",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that applies only on one database vendor."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        VendorRunSQL("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
        VendorRunSQL("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
