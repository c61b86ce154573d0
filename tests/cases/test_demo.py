import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Note

pytestmark = pytest.mark.django_db


def test_the_demo_spreads_anonymised_cases_over_a_year_at_both_desks():
    call_command("loaddemo", stdout=io.StringIO())
    cases = Case.objects.select_related("desk")
    assert {case.desk.slug for case in cases} == {"gifu-city", "gifu-hs"}
    assert cases.filter(desk__slug="gifu-city").count() >= 40
    assert cases.filter(desk__slug="gifu-hs").count() >= 20
    months = {timezone.localtime(case.created_at).strftime("%Y-%m") for case in cases}
    assert len(months) >= 11
    # Later loaders refer the open cases, so only "some closed, some not" is this loader's.
    statuses = {case.status for case in cases}
    assert "closed" in statuses and len(statuses) > 1
    assert {case.closure_reason for case in cases if case.closure_reason} >= {
        "resolved",
        "lost_contact",
    }
    assert all(case.assigned_to is not None for case in cases)
    assert Note.objects.filter(kind="note").exists()


def test_loading_the_demo_twice_adds_nothing():
    call_command("loaddemo", stdout=io.StringIO())
    counts = (Case.objects.count(), Note.objects.count())
    call_command("loaddemo", stdout=io.StringIO())
    assert (Case.objects.count(), Note.objects.count()) == counts


def test_the_demos_urgent_cases_are_history_and_mail_no_alerts():
    from cases.models import UrgentAlert
    from cases.services import urgent_alerts_unsent

    call_command("loaddemo", stdout=io.StringIO())
    assert UrgentAlert.objects.exists(), "the demo has urgent cases"
    assert not UrgentAlert.objects.filter(sent_at__isnull=True).exists()
    assert urgent_alerts_unsent() == []
