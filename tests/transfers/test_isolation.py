"""Who sees a case on every path, in every state of its handover.

The cast: the owner (counsellor of the sending desk) and its supervisor; the receiver
(counsellor of the receiving school desk) and its supervisor; a counsellor of a third desk.
Before acceptance, and after a decline or a withdrawal, the case is the sender's alone and
the receiving desk sees at most its codes in the incoming list; after acceptance it is the
receiver's alone and the sender keeps a stub.
"""

import datetime

import pytest
from django.utils import timezone

from transfers import services

pytestmark = pytest.mark.django_db

# A phrase of the case's summary (tests/transfers/conftest.py): never shown to another desk.
SUMMARY_MARK = "いじめ動画を投稿"

SENDER_SIDE = ("counsellor", "sender_supervisor")
RECEIVER_SIDE = ("receiver", "receiver_supervisor")
EVERYONE = (*SENDER_SIDE, *RECEIVER_SIDE, "outsider")

# Paths that show the whole case (or a row of it) to whoever owns it, and nothing to others.
CASE_PATHS = (
    "/cases/{ref}/",
    "/api/v1/cases/{ref}/",
    "/api/v1/cases/{ref}/notes/",
    "/api/v1/cases/{ref}/referrals/",
    "/cases/slip/?service=ihaho&reference={ref}",
)
LIST_PATHS = (
    "/cases/",
    "/cases/export.csv",
    "/api/v1/cases/",
    "/follow-ups/?scope=desk",
    "/api/v1/follow-ups/?due_before={far}",
)
INCOMING_PATHS = ("/transfers/", "/api/v1/transfers/incoming/")
STUB_PATHS = ("/transfers/handed-over/", "/api/v1/transfers/handed-over/")


def _settle(state, offered, counsellor, receiver):
    if state == "accepted":
        services.transfer_accept(transfer_id=offered.pk, by=receiver)
    elif state == "declined":
        services.transfer_decline(transfer_id=offered.pk, by=receiver, reason="outside_area")
    elif state == "withdrawn":
        services.transfer_withdraw(transfer_id=offered.pk, by=counsellor)


def owners(state):
    return RECEIVER_SIDE if state == "accepted" else SENDER_SIDE


STATES = ("pending", "accepted", "declined", "withdrawn")


@pytest.fixture
def settled(
    request, offered, counsellor, receiver, sender_supervisor, receiver_supervisor, outsider
):
    _settle(request.param, offered, counsellor, receiver)
    return request.param, offered


def _get(web, user, path, offered):
    far = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    return web(user).get(path.format(ref=offered.reference, far=far))


def _expected(state: str, who: str, path: str) -> str:
    """What the user should get on the path: a status for a case path, else listed or hidden."""
    if path in CASE_PATHS:
        return "200" if who in owners(state) else "404"
    if path in LIST_PATHS:
        shown = who in owners(state)
    elif path in INCOMING_PATHS:
        incoming = state == "pending" and who in RECEIVER_SIDE
        sent = who in SENDER_SIDE and state in ("pending", "declined") and path == "/transfers/"
        shown = incoming or sent
    else:
        shown = state == "accepted" and who in SENDER_SIDE
    return "listed" if shown else "hidden"


@pytest.mark.parametrize("settled", STATES, indirect=True)
def test_each_desk_sees_what_the_state_allows_on_every_path(settled, web, request):
    """One state of the handover against every member of the cast and every path."""
    state, offered = settled
    expected, seen, leaks = {}, {}, []
    for who in EVERYONE:
        user = request.getfixturevalue(who)
        for path in (*CASE_PATHS, *LIST_PATHS, *INCOMING_PATHS, *STUB_PATHS):
            response = _get(web, user, path, offered)
            body = response.content.decode()
            expected[who, path] = _expected(state, who, path)
            if path in CASE_PATHS:
                seen[who, path] = str(response.status_code)
            else:
                assert response.status_code == 200, (who, path, response.status_code)
                seen[who, path] = "listed" if offered.reference in body else "hidden"
            if SUMMARY_MARK in body and not (who in owners(state) and path not in INCOMING_PATHS):
                leaks.append((who, path))
    assert seen == expected
    assert leaks == []


def test_the_incoming_api_carries_codes_and_no_text(offered, receiver, api):
    row = api(receiver).get("/api/v1/transfers/incoming/").json()["results"][0]
    assert row["reference"] == offered.reference
    assert row["consent"] == "person"
    assert row["categories"] == ["bullying"]
    assert "summary" not in row and "notes" not in row


def test_the_stub_shows_the_outcome_when_the_receiver_closes(offered, counsellor, receiver, api):
    from cases import services as case_services

    services.transfer_accept(transfer_id=offered.pk, by=receiver)
    stub = api(counsellor).get("/api/v1/transfers/handed-over/").json()["results"][0]
    assert (stub["to_desk"], stub["outcome"]) == ("gifu-hs", None)
    case_services.case_close(
        case=offered.case,
        by=receiver,
        reason="resolved",
        data={"follow_up_reason": "handled_elsewhere"},
    )
    stub = api(counsellor).get("/api/v1/transfers/handed-over/").json()["results"][0]
    assert stub["outcome"] == "resolved"
