"""`manage.py checkintegrity` passes on a whole database and names what is wrong otherwise."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from retention.integrity import integrity_problems
from retention.services import retention_sweep
from stats.models import IntakeRollup
from tests.retention.conftest import days_after

pytestmark = pytest.mark.django_db


def test_a_whole_database_passes_even_after_cases_were_deleted(closed_case):
    closed_case()
    closed_case()
    retention_sweep(now=days_after(6 * 365))
    out = io.StringIO()
    call_command("checkintegrity", stdout=out)
    assert out.getvalue().split() == [
        "OK", "migrations", "OK", "audit_triggers", "OK", "rollups", "OK", "orphans",
        "OK", "unsealed",
    ]  # fmt: skip


def test_a_missing_audit_trigger_fails_the_check(db):
    name = (
        "audit_auditentry_immutable"
        if connection.vendor == "postgresql"
        else "audit_auditentry_no_delete"
    )
    table = "ON audit_auditentry" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name} {table}")
    assert name in integrity_problems()["audit_triggers"]
    with pytest.raises(CommandError):
        call_command("checkintegrity", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_rollup_that_differs_from_its_base_table_fails_the_check(closed_case):
    case = closed_case()
    IntakeRollup.objects.filter(desk_id=case.desk_id).update(count=7)
    assert "IntakeRollup" in integrity_problems()["rollups"]
    # The check rebuilt in a transaction it rolled back: the wrong count is still there to see.
    assert IntakeRollup.objects.filter(desk_id=case.desk_id, count=7).exists()


def test_the_product_apps_are_found_without_a_list_and_none_of_the_libraries():
    from retention.integrity import project_apps

    ours = project_apps()
    assert {"cases", "referrals", "deadlines", "transfers", "retention"} <= ours
    assert not ours & {"admin", "auth", "axes", "otp_totp", "simple_history"}


def test_a_row_that_names_a_deleted_case_fails_the_check(closed_case):
    from cases.models import Note

    case = closed_case()
    note = case.notes.first()
    # Foreign keys are checked at commit, which a test never reaches: the row can dangle here.
    Note.objects.filter(pk=note.pk).update(case_id=case.pk + 10_000)
    try:
        assert "cases.Note.case=1" in integrity_problems()["orphans"]
    finally:
        Note.objects.filter(pk=note.pk).update(case_id=case.pk)
    assert "orphans" not in integrity_problems()


def test_entries_left_staged_for_over_an_hour_fail_the_check(db):
    import datetime

    from django.utils import timezone

    from audit import chain
    from audit.models import AuditEntry

    an_hour_ago = timezone.now() - datetime.timedelta(minutes=61)
    chain.stage([AuditEntry(action=AuditEntry.Action.SHRED, at=timezone.now())])
    assert "unsealed" not in integrity_problems()
    chain.stage([AuditEntry(action=AuditEntry.Action.SHRED, at=an_hour_ago)])
    assert "audit.StagedEntry=1" in integrity_problems()["unsealed"]
    chain.seal_staged()
    assert "unsealed" not in integrity_problems()
