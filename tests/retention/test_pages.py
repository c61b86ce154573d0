"""Holds on the supervisors' page and on the case; a desk's data out through the admin."""

import io
import json
import zipfile

import pytest

from accounts.models import Membership
from audit.models import AuditEntry
from retention import services
from retention.models import LegalHold
from retention.services import retention_sweep
from tests.factories import MembershipFactory, UserFactory
from tests.retention.conftest import MARKER, days_after

pytestmark = pytest.mark.django_db


def test_a_supervisor_places_a_hold_and_the_case_shows_it(closed_case, supervisor, web):
    case = closed_case()
    response = web(supervisor).post(
        "/retention/holds/", {"reference": case.reference, "reason": "police_inquiry"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=case)
    assert hold.placed_by == supervisor
    page = web(supervisor).get(case.get_absolute_url()).content.decode()
    assert "保全中" in page and "捜査関係事項照会" in page
    listing = web(supervisor).get("/retention/holds/").content.decode()
    assert case.reference in listing and "0日" in listing
    entry = AuditEntry.objects.get(
        case_reference=case.reference, detail__retention=services.HOLD_PLACED
    )
    assert entry.actor == supervisor and entry.detail["reason"] == "police_inquiry"


def test_a_supervisor_lifts_a_hold_and_it_is_audited(closed_case, supervisor, web):
    case = closed_case()
    hold = services.legal_hold_place(by=supervisor, reference=case.reference, reason="other")
    response = web(supervisor).post("/retention/holds/lift/", {"hold": hold.pk})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == supervisor and hold.lifted_at is not None
    assert AuditEntry.objects.filter(
        case_reference=case.reference, detail__retention=services.HOLD_LIFTED
    ).exists()
    assert case.reference not in web(supervisor).get("/retention/holds/").content.decode()


def test_a_counsellor_may_neither_see_nor_place_holds(closed_case, counsellor, web):
    case = closed_case()
    assert web(counsellor).get("/retention/holds/").status_code == 403
    response = web(counsellor).post(
        "/retention/holds/", {"reference": case.reference, "reason": "other"}
    )
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


def test_a_supervisor_of_another_desk_cannot_hold_or_lift_the_case(
    closed_case, supervisor, other_desk, web
):
    stranger = MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user
    case = closed_case()
    response = web(stranger).post(
        "/retention/holds/", {"reference": case.reference, "reason": "other"}
    )
    assert response.status_code == 400
    assert "見つかりません" in response.content.decode()
    hold = services.legal_hold_place(by=supervisor, reference=case.reference, reason="other")
    assert web(stranger).post("/retention/holds/lift/", {"hold": hold.pk}).status_code == 400
    assert case.reference not in web(stranger).get("/retention/holds/").content.decode()
    hold.refresh_from_db()
    assert hold.is_active


def test_an_unknown_reason_is_a_clear_refusal(closed_case, supervisor, web):
    case = closed_case()
    response = web(supervisor).post(
        "/retention/holds/", {"reference": case.reference, "reason": "x"}
    )
    assert response.status_code == 400
    assert not LegalHold.objects.exists()


def test_the_case_shows_when_its_text_was_shredded(closed_case, counsellor, web):
    case = closed_case()
    retention_sweep(now=days_after(365))
    page = web(counsellor).get(case.get_absolute_url()).content.decode()
    assert "本文は 2027年1月15日 に消去されました" in page
    assert MARKER not in page


@pytest.fixture
def admin_user_(db):
    return UserFactory(
        username="admin", is_staff=True, is_superuser=True, second_factor_exempt=True
    )


def test_an_admin_exports_one_desk_as_json_and_csv_and_it_is_audited(
    closed_case, desk, other_desk, outsider, open_case, admin_user_, web
):
    case = closed_case()
    theirs = open_case(desk=other_desk, by=outsider)
    client = web(admin_user_)
    url = "/admin/retention/deskdata/"
    response = client.post(url, {"action": "export_json", "_selected_action": [desk.pk]})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    assert MARKER in data["cases"][0]["summary"]
    assert theirs.reference not in response.content.decode()
    response = client.post(url, {"action": "export_csv", "_selected_action": [desk.pk]})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {
        "cases.csv", "notes.csv", "referrals.csv", "follow_ups.csv", "deletion_requests.csv"
    }  # fmt: skip
    assert case.reference in archive.read("cases.csv").decode("utf-8-sig")
    exports = AuditEntry.objects.filter(action="export", desk_id=desk.pk, actor=admin_user_)
    assert sorted(e.detail["desk_export"] for e in exports) == ["csv", "json"]
