"""Handing a case over through the API and through the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from transfers import services
from transfers.models import CaseTransfer

pytestmark = pytest.mark.django_db


def test_the_api_offers_accepts_and_then_the_sender_gets_404(
    moving_case, counsellor, receiver, school_desk, api
):
    response = api(counsellor).post(
        "/api/v1/transfers/",
        {"case": moving_case.reference, "to_desk": "gifu-hs", "consent": "guardian"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    transfer = response.json()
    assert (transfer["status"], transfer["from_desk"], transfer["to_desk"]) == (
        "pending",
        "gifu-city",
        "gifu-hs",
    )
    assert api(counsellor).get(f"/api/v1/cases/{moving_case.reference}/").status_code == 200

    accepted = api(receiver).post(f"/api/v1/transfers/{transfer['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api(counsellor).get(f"/api/v1/cases/{moving_case.reference}/").status_code == 404
    detail = api(receiver).get(f"/api/v1/cases/{moving_case.reference}/")
    assert detail.status_code == 200 and detail.json()["desk"] == "gifu-hs"
    assert detail.json()["assigned_to"] == "receiver"
    assert Case.objects.get(pk=moving_case.pk).desk_id == school_desk.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_desk": "gifu-hs", "consent": "nobody"}, "consent"),
        ({"to_desk": "nowhere", "consent": "person"}, "to_desk"),
        ({"to_desk": "gifu-city", "consent": "person"}, "to_desk"),
        ({"to_desk": "gifu-hs", "consent": "person", "case": "GIFU-CITY-1999-0001"}, "case"),
    ],
)
def test_the_api_names_the_field_of_a_bad_offer(
    moving_case, counsellor, school_desk, api, body, field
):
    body = {"case": moving_case.reference, **body}
    response = api(counsellor).post("/api/v1/transfers/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CaseTransfer.objects.exists()


def test_another_desk_cannot_offer_or_see_the_case_through_the_api(
    moving_case, outsider, other_desk, school_desk, api
):
    response = api(outsider).post(
        "/api/v1/transfers/",
        {"case": moving_case.reference, "to_desk": "gifu-hs", "consent": "person"},
        format="json",
    )
    assert response.status_code == 400 and "case" in response.json()


def test_the_api_declines_with_a_reason_code_naming_the_field(offered, receiver, api):
    bad = api(receiver).post(
        f"/api/v1/transfers/{offered.pk}/decline/", {"reason": "busy"}, format="json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    good = api(receiver).post(
        f"/api/v1/transfers/{offered.pk}/decline/", {"reason": "outside_area"}, format="json"
    )
    assert good.json()["decline_reason"] == "outside_area"


def test_a_transfer_of_two_other_desks_is_404(offered, outsider, api):
    for step in ("accept", "decline", "withdraw"):
        response = api(outsider).post(f"/api/v1/transfers/{offered.pk}/{step}/", {}, format="json")
        assert response.status_code == 404
    assert CaseTransfer.objects.get(pk=offered.pk).status == "pending"


def test_the_sender_withdraws_through_the_api(offered, counsellor, api):
    response = api(counsellor).post(f"/api/v1/transfers/{offered.pk}/withdraw/")
    assert response.json()["status"] == "withdrawn"
    sent = api(counsellor).get("/api/v1/transfers/sent/").json()
    assert sent["count"] == 0


def test_the_schema_documents_the_transfer_operations(admin_user, api):
    schema = api(admin_user).get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/transfers/",
        "/api/v1/transfers/incoming/",
        "/api/v1/transfers/sent/",
        "/api/v1/transfers/handed-over/",
        "/api/v1/transfers/{id}/accept/",
        "/api/v1/transfers/{id}/decline/",
        "/api/v1/transfers/{id}/withdraw/",
        "/api/v1/cases/{reference}/closing-request/",
        "/api/v1/closing-requests/",
    ):
        assert path in schema["paths"], path


def test_the_pages_offer_accept_and_show_the_stub(
    moving_case, counsellor, receiver, school_desk, web
):
    sender, taker = web(counsellor), web(receiver)
    page = sender.get(moving_case.get_absolute_url()).content.decode()
    assert "他のデスクへ引き継ぐ" in page
    sender.post(
        f"/transfers/offer/{moving_case.reference}/", {"to_desk": "gifu-hs", "consent": "person"}
    )
    transfer = CaseTransfer.objects.get()
    assert "依頼を取り下げる" in sender.get(moving_case.get_absolute_url()).content.decode()

    incoming = taker.get("/transfers/").content.decode()
    assert moving_case.reference in incoming and "いじめ" in incoming
    response = taker.post(f"/transfers/{transfer.pk}/accept/")
    assert response.status_code == 302 and response.url == moving_case.get_absolute_url()
    assert taker.get(moving_case.get_absolute_url()).status_code == 200
    assert sender.get(moving_case.get_absolute_url()).status_code == 404
    assert moving_case.reference in sender.get("/transfers/handed-over/").content.decode()


def test_the_page_refuses_a_bad_offer_with_a_message(moving_case, counsellor, web):
    response = web(counsellor).post(
        f"/transfers/offer/{moving_case.reference}/",
        {"to_desk": "gifu-city", "consent": "person"},
        follow=True,
    )
    assert "別のデスクを選んでください" in response.content.decode()
    assert not CaseTransfer.objects.exists()


def test_a_declined_offer_shows_its_reason_on_the_case_page(offered, counsellor, receiver, web):
    response = web(receiver).post(f"/transfers/{offered.pk}/decline/", {"reason": "outside_remit"})
    assert response.status_code == 302
    page = web(counsellor).get(offered.case.get_absolute_url()).content.decode()
    assert "辞退しました" in page and "所管外" in page


def _offers(n, open_case, counsellor, school_desk):
    for _ in range(n):
        services.transfer_offer(
            case=open_case(), by=counsellor, to_desk=school_desk, consent="person"
        )


@pytest.mark.parametrize(
    "path", ["/transfers/", "/api/v1/transfers/incoming/", "/api/v1/transfers/sent/"]
)
def test_the_incoming_list_takes_as_many_queries_for_many_offers_as_for_few(
    path, open_case, counsellor, receiver, school_desk, web
):
    counts = []
    for n in (2, 10):
        _offers(n, open_case, counsellor, school_desk)
        client = web(receiver if "sent" not in path else counsellor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/transfers/handed-over/", "/api/v1/transfers/handed-over/"])
def test_the_stub_list_takes_as_many_queries_for_many_cases_as_for_few(
    path, open_case, counsellor, receiver, school_desk, web
):
    counts = []
    for n in (2, 10):
        _offers(n, open_case, counsellor, school_desk)
        for transfer in CaseTransfer.objects.filter(status="pending"):
            services.transfer_accept(transfer_id=transfer.pk, by=receiver)
        with CaptureQueriesContext(connection) as queries:
            assert web(counsellor).get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
