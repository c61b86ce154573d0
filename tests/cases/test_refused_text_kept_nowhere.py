"""Free text the guard refuses is kept nowhere: not in the database, the logs or the broker.

Every path that takes a case's free text (the intake and edit pages, notes, closing and
reopening, the API's create, update and notes, the admin, and the live check) is sent text
holding a marker and a phone number; afterwards no table, no log record at any level and
no message handed to the broker holds the marker.
"""

import logging
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.db import connection

from cases import services
from tests.factories import UserFactory

MARKER = "QX7MARKERQX7"
REFUSED = f"{MARKER} 相手の番号は090-1234-5678。"

pytestmark = pytest.mark.django_db


def _rows_holding_the_marker() -> list[str]:
    holding = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                if any(MARKER in str(value) for value in row):
                    holding.append(table)
    return holding


def _broker_files_holding_the_marker() -> list[Path]:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    folders = {str(options[key]) for key in ("data_folder_in", "data_folder_out") if key in options}
    return [
        path
        for folder in folders
        if Path(folder).is_dir()
        for path in Path(folder).rglob("*")
        if path.is_file() and MARKER.encode() in path.read_bytes()
    ]


@pytest.fixture
def published():
    bodies = []

    def record(sender=None, body=None, headers=None, **kwargs):
        bodies.append(repr((sender, body, headers)))

    before_task_publish.connect(record, weak=False)
    yield bodies
    before_task_publish.disconnect(record)


def test_refused_text_reaches_no_table_log_or_broker(
    web, api, counsellor, case, caplog, published, client
):
    caplog.set_level(logging.DEBUG)
    page = web(counsellor)
    intake = {
        "desk": "gifu-city",
        "situation": "victim",
        "wishes": ["delete"],
        "categories": ["defamation"],
        "age_band": "unknown",
        "summary": REFUSED,
    }
    answers = [
        page.post("/cases/new/", intake),
        page.post(f"/cases/{case.reference}/edit/", intake),
        page.post(f"/cases/{case.reference}/notes/", {"body": REFUSED}),
        page.post(
            f"/cases/{case.reference}/close/", {"closure_reason": "resolved", "note": REFUSED}
        ),
        page.post("/cases/pii-check/", {"summary": REFUSED}),
    ]
    rest = api(counsellor)
    answers += [
        rest.post(
            "/api/v1/cases/",
            {"situation": "victim", "wishes": ["delete"], "summary": REFUSED},
            format="json",
            HTTP_IDEMPOTENCY_KEY="marker-key",
        ),
        rest.patch(f"/api/v1/cases/{case.reference}/", {"summary": REFUSED}, format="json"),
        rest.post(f"/api/v1/cases/{case.reference}/notes/", {"body": REFUSED}, format="json"),
    ]
    services.case_close(case=case, by=counsellor, reason="resolved")
    answers.append(page.post(f"/cases/{case.reference}/reopen/", {"reason": REFUSED}))
    case.refresh_from_db()
    services.case_reopen(case=case, by=counsellor, reason="再び連絡があった")
    client.force_login(
        UserFactory(
            username="marker-admin", is_staff=True, is_superuser=True, second_factor_exempt=True
        )
    )
    answers.append(
        client.post(
            f"/admin/cases/case/{case.pk}/change/",
            {
                "situation": "victim",
                "wishes": '["delete"]',
                "categories": '["defamation"]',
                "flags": "[]",
                "age_band": "unknown",
                "consulter": "",
                "channel": "",
                "platforms": "[]",
                "summary": REFUSED,
                "notes-TOTAL_FORMS": "0",
                "notes-INITIAL_FORMS": "0",
                "notes-MIN_NUM_FORMS": "0",
                "notes-MAX_NUM_FORMS": "0",
            },
        )
    )

    # Every path refused (a page shown again, or a 400), and none stored the text.
    assert all(answer.status_code in (200, 400) for answer in answers), [
        answer.status_code for answer in answers
    ]
    assert _rows_holding_the_marker() == []
    assert [record.getMessage() for record in caplog.records if MARKER in record.getMessage()] == []
    assert not any(MARKER in str(record.args) for record in caplog.records)
    assert [body for body in published if MARKER in body] == []
    assert _broker_files_holding_the_marker() == []


def test_refused_closing_request_and_return_texts_reach_no_table_log_or_broker(
    web, api, counsellor, supervisor, open_case, desk, caplog, published
):
    from accounts.models import Desk

    caplog.set_level(logging.DEBUG)
    Desk.objects.filter(pk=desk.pk).update(closing_needs_approval=True)
    urgent = open_case(flags=["suicidal"])
    reference = urgent.reference
    answers = [
        web(counsellor).post(
            f"/cases/{reference}/closing/request/", {"closure_reason": "resolved", "note": REFUSED}
        ),
        api(counsellor).post(
            f"/api/v1/cases/{reference}/closing-request/",
            {"closure_reason": "resolved", "note": REFUSED},
            format="json",
        ),
    ]
    services.closing_request_submit(case=urgent, by=counsellor, reason="resolved")
    answers += [
        web(supervisor).post(f"/cases/{reference}/closing/return/", {"comment": REFUSED}),
        api(supervisor).post(
            f"/api/v1/cases/{reference}/closing-request/return/",
            {"comment": REFUSED},
            format="json",
        ),
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 400]
    assert _rows_holding_the_marker() == []
    assert [record.getMessage() for record in caplog.records if MARKER in record.getMessage()] == []
    assert [body for body in published if MARKER in body] == []


def test_the_scan_finds_the_marker_where_text_is_stored(case, counsellor):
    services.note_add(case=case, by=counsellor, body=f"{MARKER}について続報。")
    assert "cases_note" in _rows_holding_the_marker()
