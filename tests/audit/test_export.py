"""Supervisors download their desks' trail as CSV; the download is itself recorded."""

import csv
import io

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_supervisor_exports_the_trail_of_their_desks(case, supervisor, outsider, open_case, web):
    theirs = open_case(desk=outsider.memberships.get().desk, by=outsider)
    response = web(supervisor).get("/cases/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    references = {row["case_reference"] for row in rows}
    assert case.reference in references and theirs.reference not in references
    assert case.summary not in response.content.decode("utf-8-sig")
    assert AuditEntry.objects.filter(
        actor=supervisor, action="export", desk_id=case.desk_id, detail__export="audit"
    ).exists()


def test_the_export_keeps_the_reference_filter(case, open_case, supervisor, web):
    other = open_case()
    body = web(supervisor).get(f"/cases/audit/export.csv?reference={case.reference}").content
    assert case.reference in body.decode("utf-8-sig")
    assert other.reference not in body.decode("utf-8-sig")


def test_reading_the_trail_is_itself_recorded_per_desk_without_the_filter_text(
    case, supervisor, web
):
    response = web(supervisor).get(f"/cases/audit/?reference={case.reference}")
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(actor=supervisor, action="list", detail__list="audit")
    assert {e.desk_id for e in entries} == set(
        supervisor.memberships.filter(role="supervisor").values_list("desk_id", flat=True)
    )
    entry = entries.get(desk_id=case.desk_id)
    assert entry.detail == {"list": "audit", "reference": True, "page": 1}


def test_counsellors_cannot_export_the_trail(case, counsellor, web):
    assert web(counsellor).get("/cases/audit/export.csv").status_code == 403


def test_the_supervisors_menu_links_the_trail(supervisor, counsellor, web):
    assert 'href="/cases/audit/"' in web(supervisor).get("/").content.decode()
    assert 'href="/cases/audit/"' not in web(counsellor).get("/").content.decode()
