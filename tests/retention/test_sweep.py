"""The retention sweep, with the clock moved: the right day, not before, and never twice."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEntry
from cases.models import Case, Note
from retention import services
from retention.models import LegalHold, RetentionPolicy, ShreddedText
from retention.services import legal_hold_lift, legal_hold_place, retention_sweep
from tests.factories import MembershipFactory
from tests.retention.conftest import CLOSED_AT, MARKER, days_after

pytestmark = pytest.mark.django_db

ONE_YEAR = 365


def shredded(case: Case) -> bool:
    case.refresh_from_db()
    texts = [case.summary, *case.notes.values_list("body", flat=True)]
    return ShreddedText.objects.filter(case=case).exists() and not any(texts)


def retention_entries(case: Case, kind: str) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(case_reference=case.reference)
        if e.detail.get("retention") == kind
    ]


def test_text_is_shredded_on_the_day_the_policy_says_and_not_before(closed_case):
    case = closed_case()
    retention_sweep(now=days_after(ONE_YEAR) - datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert MARKER in case.summary
    retention_sweep(now=days_after(ONE_YEAR))
    assert shredded(case)
    mark = ShreddedText.objects.get(case=case)
    assert mark.shredded_at == days_after(ONE_YEAR)
    assert mark.notes == 2
    # The codes, the reference and the timeline's shape stay.
    assert case.categories == ["defamation"]
    assert case.notes.count() == 2


def test_shredding_is_audited_with_counts_never_text(closed_case):
    case = closed_case()
    retention_sweep(now=days_after(ONE_YEAR))
    [entry] = retention_entries(case, services.SHREDDED)
    assert entry.detail["notes"] == 2
    assert entry.actor is None
    assert MARKER not in str(entry.detail)


def test_a_desk_policy_sets_its_own_days(closed_case, desk):
    RetentionPolicy.objects.create(desk=desk, text_days=30, case_years=2)
    case = closed_case()
    retention_sweep(now=days_after(29))
    assert not shredded(case)
    retention_sweep(now=days_after(30))
    assert shredded(case)
    retention_sweep(now=days_after(2 * ONE_YEAR - 1))
    assert Case.objects.filter(pk=case.pk).exists()
    retention_sweep(now=days_after(2 * ONE_YEAR + 1))
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_school_keeps_the_text_of_bullying_cases_five_years(closed_case, school_desk):
    RetentionPolicy.objects.create(desk=school_desk, case_years=7)
    teacher = MembershipFactory(desk=school_desk).user
    bullying = closed_case(desk=school_desk, by=teacher, categories=("bullying", "defamation"))
    other = closed_case(desk=school_desk, by=teacher, categories=("defamation",))
    retention_sweep(now=days_after(ONE_YEAR))
    assert shredded(other)
    assert not shredded(bullying)
    five_years = CLOSED_AT.replace(year=CLOSED_AT.year + 5)
    retention_sweep(now=five_years - datetime.timedelta(seconds=1))
    assert not shredded(bullying)
    retention_sweep(now=five_years)
    assert shredded(bullying)


def test_a_municipal_desk_shreds_bullying_text_after_the_usual_days(closed_case):
    case = closed_case(categories=("bullying",))
    retention_sweep(now=days_after(ONE_YEAR))
    assert shredded(case)


def test_the_whole_case_goes_five_years_after_closing_and_not_before(closed_case):
    case = closed_case()
    reference = case.reference
    five_years = CLOSED_AT.replace(year=CLOSED_AT.year + 5)
    retention_sweep(now=five_years - datetime.timedelta(seconds=1))
    assert Case.objects.filter(pk=case.pk).exists()
    retention_sweep(now=five_years)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Note.objects.filter(case_id=case.pk).exists()
    [entry] = retention_entries(case, services.DELETED)
    assert entry.case_reference == reference
    assert entry.detail["notes"] == 2
    # The case's earlier entries outlive it: they name it by reference, not by a link.
    assert AuditEntry.objects.filter(case_reference=reference, action="close").exists()


def test_an_open_case_is_never_touched(open_case):
    case = open_case(summary=f"継続中。{MARKER}")
    retention_sweep(now=days_after(20 * ONE_YEAR))
    case.refresh_from_db()
    assert MARKER in case.summary


def test_a_held_case_is_neither_shredded_nor_deleted_until_the_hold_is_lifted(
    closed_case, supervisor
):
    case = closed_case()
    hold = legal_hold_place(by=supervisor, reference=case.reference, reason="litigation")
    result = retention_sweep(now=days_after(10 * ONE_YEAR))
    assert result.held == 1
    case.refresh_from_db()
    assert MARKER in case.summary
    legal_hold_lift(by=supervisor, hold_id=hold.pk)
    retention_sweep(now=days_after(10 * ONE_YEAR))
    assert not Case.objects.filter(pk=case.pk).exists()


def test_the_sweep_run_twice_does_nothing_twice(closed_case):
    cases = [closed_case() for _ in range(3)]
    first = retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    second = retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    assert sorted(first.shredded) == sorted(c.reference for c in cases)
    assert second.shredded == []
    assert ShreddedText.objects.count() == 3
    for case in cases:
        assert len(retention_entries(case, services.SHREDDED)) == 1


def test_a_sweep_killed_mid_batch_loses_and_repeats_nothing(closed_case, monkeypatch):
    cases = [closed_case() for _ in range(5)]
    batches = []
    real = services._system_audit

    def dies_in_the_second_batch(entries):
        if batches:
            raise KeyboardInterrupt("killed")
        batches.append(entries)
        real(entries)

    monkeypatch.setattr(services, "_system_audit", dies_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    # The first batch is done; the batch that was killed left no trace.
    assert ShreddedText.objects.count() == 2
    assert sum(shredded(c) for c in cases) == 2
    monkeypatch.setattr(services, "_system_audit", real)
    retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    assert all(shredded(c) for c in cases)
    for case in cases:
        assert len(retention_entries(case, services.SHREDDED)) == 1


def test_entries_a_killed_sweep_left_staged_are_sealed_by_the_next(closed_case, monkeypatch):
    from audit import chain
    from audit.models import StagedEntry

    cases = [closed_case() for _ in range(3)]
    real, calls = chain.seal_staged, []

    def killed_after_the_first_batch(*args, **kwargs):
        calls.append(StagedEntry.objects.count())
        if calls[-1]:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(chain, "seal_staged", killed_after_the_first_batch)
    with pytest.raises(KeyboardInterrupt):
        retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    # The first batch committed with its entries staged; none is in the trail yet.
    assert StagedEntry.objects.count() == 2
    assert chain.verify() is None
    monkeypatch.undo()
    retention_sweep(now=days_after(ONE_YEAR), batch_size=2)
    assert not StagedEntry.objects.exists()
    assert all(shredded(c) for c in cases)
    for case in cases:
        assert len(retention_entries(case, services.SHREDDED)) == 1
    assert chain.verify() is None


def test_one_run_is_bounded(closed_case):
    for _ in range(5):
        closed_case()
    result = retention_sweep(now=days_after(ONE_YEAR), batch_size=2, max_batches=1)
    assert len(result.shredded) == 2
    assert ShreddedText.objects.count() == 2


def test_a_shredded_marker_is_in_no_column_of_any_table(closed_case):
    closed_case()
    retention_sweep(now=days_after(ONE_YEAR))
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                if any(MARKER in str(value) for value in row):
                    found.append(table)
    assert found == []


def test_the_command_dry_run_names_what_would_go_and_changes_nothing(closed_case):
    case = closed_case()
    out = io.StringIO()
    call_command("retention", "--at", days_after(ONE_YEAR).isoformat(), "--dry-run", stdout=out)
    assert case.reference in out.getvalue()
    assert not shredded(case)
    call_command("retention", "--at", days_after(ONE_YEAR).isoformat(), stdout=io.StringIO())
    assert shredded(case)
    again = io.StringIO()
    call_command("retention", "--at", days_after(ONE_YEAR).isoformat(), stdout=again)
    assert case.reference not in again.getvalue()


def test_the_command_refuses_a_time_it_cannot_read():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("retention", "--at", "next tuesday")


def test_only_one_hold_is_active_at_a_time(closed_case, supervisor):
    case = closed_case()
    legal_hold_place(by=supervisor, reference=case.reference, reason="police_inquiry")
    with pytest.raises(Exception, match="すでに保全"):
        legal_hold_place(by=supervisor, reference=case.reference, reason="other")
    assert LegalHold.objects.filter(case=case).count() == 1


def test_the_sweeps_entries_are_sealed_into_the_chain(closed_case):
    from audit import chain

    closed_case(), closed_case()
    retention_sweep(now=days_after(ONE_YEAR))
    retention_sweep(now=days_after(5 * ONE_YEAR + 2))
    assert AuditEntry.objects.filter(action__in=["shred", "purge"]).count() == 4
    assert chain.verify() is None
    call_command("audit", "verify", stdout=io.StringIO())
