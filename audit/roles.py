"""The application's own PostgreSQL role: it reads and writes the product, and only appends to
the audit trail.

The tables belong to the role that runs ``migrate`` (the owner). Web, worker and beat connect
as a second role, which ``grant_application_role`` gives what the product needs — SELECT,
INSERT, UPDATE and DELETE on every table, the sequences — and then takes back UPDATE, DELETE
and TRUNCATE on the audit trail. Not owning the table, that role can neither ALTER it nor drop
or disable its triggers. Run it after every ``migrate``: grants on tables that already had them
change nothing, and new tables get theirs.
"""

from django.db import connection
from psycopg import sql

AUDIT_TABLE = "audit_auditentry"


class RoleError(Exception):
    """The role cannot be set up as asked; the message says why, in Japanese."""


def grant_application_role(role: str, *, create: bool = False, password: str = "") -> list[str]:
    """Give ``role`` the application's privileges; return the statements run, for the log.

    With ``create``, a missing role is made (LOGIN, with ``password``), and an existing one gets
    ``password`` when one is given; this needs CREATEROLE, as the owner of a fresh installation
    usually has.
    """
    if connection.vendor != "postgresql":
        raise RoleError("データベースのロールは PostgreSQL のものです。SQLite には不要です。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s", [AUDIT_TABLE])
        owner = cursor.fetchone()
    if owner is None:
        raise RoleError("監査記録の表がありません。先に migrate を実行してください。")
    if owner[0] == role:
        raise RoleError(
            f"ロール {role} は表の所有者です。アプリケーション用には別のロールを使ってください。"
        )
    if not exists and not create:
        raise RoleError(f"ロール {role} がありません（--create で作れます）。")
    name = sql.Identifier(role)
    statements = []
    if not exists:
        statements.append(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(name, password))
    elif create and password:
        statements.append(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(name, password))
    statements += [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
            sql.Identifier(AUDIT_TABLE), name
        ),
    ]
    raw = connection.connection
    assert raw is not None
    run = []
    with connection.cursor() as cursor:
        for statement in statements:
            text = statement.as_string(raw)
            cursor.execute(text)
            run.append(text.replace(f"'{password}'", "'…'") if password else text)
    return run
