import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from cases import services as case_services
from deadlines import services
from deadlines.models import ClockStep, LegalClock
from tests.deadlines.conftest import NOW

pytestmark = pytest.mark.django_db

D = datetime.date


def test_starting_a_clock_is_audited_with_codes_only(start_clock, case):
    clock = start_clock("log_retention", D(2027, 4, 1))
    entry = AuditEntry.objects.filter(case_reference=case.reference).latest("id")
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.detail == {"clock": clock.pk, "kind": "log_retention", "op": "start"}


@pytest.mark.parametrize(
    ("started_on", "field"),
    [(D(2027, 6, 4), "started_on"), (D(2017, 1, 1), "started_on")],
)
def test_a_start_in_the_future_or_a_decade_ago_is_refused(started_on, field, start_clock):
    with pytest.raises(ValidationError) as refused:
        start_clock("log_retention", started_on)
    assert field in refused.value.message_dict
    assert "日付" in " ".join(refused.value.message_dict[field]) or "10年" in str(refused.value)
    assert not LegalClock.objects.exists()


def test_an_unknown_kind_is_refused_in_japanese():
    with pytest.raises(ValidationError) as refused:
        services.kind_for_code("statute_of_limitations")
    assert refused.value.message_dict == {
        "kind": ["期限の種類「statute_of_limitations」はありません。"]
    }


def test_the_platforms_clock_comes_only_with_a_deletion_request(start_clock):
    with pytest.raises(ValidationError) as refused:
        start_clock("platform_deletion", D(2027, 6, 1))
    assert "削除の申出" in refused.value.message_dict["kind"][0]
    assert not LegalClock.objects.exists()


def test_a_closed_case_takes_no_clock(start_clock, case, counsellor):
    case_services.case_close(case=case, by=counsellor, reason="resolved")
    with pytest.raises(ValidationError):
        start_clock("log_retention", D(2027, 4, 1))


def test_a_court_step_is_marked_with_its_date_and_marked_again_changes_it(start_clock, counsellor):
    clock = start_clock("log_retention", D(2027, 4, 1))
    for day in (D(2027, 5, 10), D(2027, 5, 12)):
        services.clock_step_record(
            clock=clock, step="disclosure_order", done_on=day, by=counsellor, now=NOW
        )
    assert list(clock.steps.values_list("kind__code", "done_on")) == [
        ("disclosure_order", D(2027, 5, 12))
    ]


@pytest.mark.parametrize(
    ("step", "day", "field"),
    [
        ("log_retention", D(2027, 5, 10), "step"),
        ("no_such_step", D(2027, 5, 10), "step"),
        ("provision_order", D(2027, 6, 10), "done_on"),
        ("provision_order", D(2027, 3, 31), "done_on"),
    ],
)
def test_a_step_the_clock_has_not_or_a_date_out_of_range_is_refused(
    step, day, field, start_clock, counsellor
):
    clock = start_clock("log_retention", D(2027, 4, 1))
    with pytest.raises(ValidationError) as refused:
        services.clock_step_record(clock=clock, step=step, done_on=day, by=counsellor, now=NOW)
    assert field in refused.value.message_dict
    assert not ClockStep.objects.exists()


def test_a_clock_is_closed_once_with_a_reason(start_clock, counsellor):
    clock = start_clock()
    services.clock_close(clock=clock, reason="acted", by=counsellor, now=NOW)
    clock.refresh_from_db()
    assert (clock.closed_because, clock.closed_by) == ("acted", counsellor)
    with pytest.raises(ValidationError):
        services.clock_close(clock=clock, reason="acted", by=counsellor, now=NOW)


def test_the_database_refuses_a_closed_clock_without_a_reason(start_clock):
    clock = start_clock()
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalClock.objects.filter(pk=clock.pk).update(closed_at=NOW)
