"""Every route, as every role: each read or change of a desk's case leaves an audit entry.

The routes come from the URL resolver through the isolation matrix (tests/cases/
test_isolation.py), so a page or endpoint added later is swept without anyone listing it.
A GET that answers 200 on a route naming the case or one of its rows, or whose answer shows
the case's reference, must leave an entry naming the case, the user and the channel. Each
write route is sent a valid change from WRITES; a write route missing there fails a test.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Membership
from audit.models import AuditEntry
from cases.models import Case
from referrals.models import FollowUp, Referral
from tests.cases import test_isolation as isolation
from tests.cases.test_isolation import LIST_ROUTES, LISTS, ROUTES, call, fill, list_url
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The owner's case with one row of each kind it owns, as the isolation matrix makes it.
rows = isolation.rows

READS = (AuditEntry.Action.VIEW, AuditEntry.Action.LIST, AuditEntry.Action.EXPORT)
# Pages that show a reference without showing anything of the case: the trail itself.
SHOWS_REFERENCES_ONLY = {"/cases/audit/", "/cases/audit/export.csv"}
ROLES = ("counsellor", "deskmate", "supervisor")


@pytest.fixture
def desk_supervisor(desk):
    return MembershipFactory(desk=desk, role=Membership.Role.SUPERVISOR).user


def channel(url: str) -> str:
    return "api" if url.startswith("/api/") else "web"


def entries_since(mark: int, reference: str):
    return AuditEntry.objects.filter(id__gt=mark, case_reference=reference)


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def read_urls(rows) -> list[tuple[str, bool]]:
    """Each URL to read, and whether it names the case (so any 200 is a read of it)."""
    urls = [(fill(route, placed, rows), True) for route, placed in ROUTES.items()]
    urls += [(list_url(url), False) for url in sorted({*LISTS, *LIST_ROUTES})]
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_read_of_the_case_is_recorded(role, rows, web, request):
    user = request.getfixturevalue(role)
    reference = rows[Case].reference
    client = web(user)
    missing, swept = [], []
    for url, names_the_case in read_urls(rows):
        mark = last_id()
        response = call(client, "get", url)
        if response.status_code != 200 or url.split("?")[0] in SHOWS_REFERENCES_ONLY:
            continue
        body = response.content.decode(errors="replace")
        if not names_the_case and reference not in body:
            continue
        swept.append(url)
        recorded = entries_since(mark, reference).filter(
            actor=user, action__in=READS, via=channel(url)
        )
        if not recorded.exists():
            missing.append(url)
    assert missing == []
    # The sweep really read the case's pages, lists and API, not an empty set.
    assert len(swept) >= 10, swept


def test_reads_by_another_desk_are_not_recorded_against_the_case(rows, outsider, web):
    reference = rows[Case].reference
    mark = last_id()
    for url, _names in read_urls(rows):
        call(web(outsider), "get", url)
    assert not entries_since(mark, reference).exists()


def _week() -> str:
    return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


def _today() -> str:
    return timezone.localdate().isoformat()


# Each write route with a valid change: (method, body, API?) built from the rows.
WRITES = {
    "/cases/<reference>/edit/": lambda r, u: (
        "post",
        {"situation": "seek_solution", "age_band": "19_29", "summary": "Bさんの件"},
        False,
    ),
    "/cases/<reference>/notes/": lambda r, u: ("post", {"body": "電話で確認した。"}, False),
    "/cases/<reference>/reassign/": lambda r, u: ("post", {"assigned_to": "deskmate"}, False),
    "/cases/<reference>/close/": lambda r, u: (
        _without_the_pending_offer(r)
        or (
            "post",
            {"closure_reason": "resolved", "follow_up_reason": "no_longer_needed"},
            False,
        )
    ),
    "/cases/<reference>/reopen/": None,  # needs a closed case: see the test below
    "/api/v1/cases/<reference>/": lambda r, u: ("patch", {"flags": ["minor"]}, True),
    "/api/v1/cases/<reference>/notes/": lambda r, u: ("post", {"body": "確認しました。"}, True),
    "/api/v1/cases/<reference>/referrals/": lambda r, u: (
        "post",
        {"service": "ihaho", "method": "info_given"},
        True,
    ),
    "/api/v1/cases/<reference>/deletion-requests/": lambda r, u: (
        "post",
        {"platform": "x", "sent_by": "person", "sent_on": _today()},
        True,
    ),
    "/api/v1/referrals/<pk>/": lambda r, u: ("patch", {"status": "contacted"}, True),
    "/api/v1/follow-ups/<pk>/record/": lambda r, u: ("post", {"result": "reached"}, True),
    "/follow-ups/<follow_up_id>/record/": lambda r, u: (
        "post",
        {f"f{r[FollowUp].pk}-result": "reached", f"f{r[FollowUp].pk}-next_on": ""},
        False,
    ),
    "/follow-ups/cases/<reference>/refer/": lambda r, u: (
        "post",
        {"service": r[Referral].service_id, "method": "info_given", "follow_up_on": _week()},
        False,
    ),
    "/follow-ups/cases/<reference>/deletion-request/": lambda r, u: (
        "post",
        {"platform": r["platform"], "sent_by": "person", "sent_on": _today(), "referral": ""},
        False,
    ),
    "/follow-ups/referrals/<referral_id>/status/": lambda r, u: (
        "post",
        {"status": "contacted", "outcome": ""},
        False,
    ),
    "/deadlines/cases/<reference>/clocks/": lambda r, u: (
        "post",
        {"kind": "log_retention", "started_on": _today()},
        False,
    ),
    "/api/v1/cases/<reference>/clocks/": lambda r, u: (
        "post",
        {"kind": "log_retention", "started_on": _today()},
        True,
    ),
    "/transfers/<transfer_id>/withdraw/": lambda r, u: ("post", {}, False),
    "/api/v1/transfers/<pk>/withdraw/": lambda r, u: ("post", {}, True),
    # These need a state or a user the matrix's rows do not have — a started clock, a desk
    # that requires closing approval and an urgent case, a supervisor, the receiving desk's
    # counsellor, a case without a pending offer — and their audit entries are tested where
    # that state is made: tests/deadlines/test_services.py, tests/cases/
    # test_closing_approval.py, tests/transfers/test_services.py (both desks' trails).
    "/deadlines/cases/<reference>/clocks/step/": None,
    "/deadlines/cases/<reference>/clocks/close/": None,
    "/cases/<reference>/closing/request/": None,
    "/cases/<reference>/closing/approve/": None,
    "/cases/<reference>/closing/return/": None,
    "/api/v1/cases/<reference>/closing-request/": None,
    "/api/v1/cases/<reference>/closing-request/approve/": None,
    "/api/v1/cases/<reference>/closing-request/return/": None,
    "/transfers/<transfer_id>/accept/": None,
    "/transfers/<transfer_id>/decline/": None,
    "/api/v1/transfers/<pk>/accept/": None,
    "/api/v1/transfers/<pk>/decline/": None,
    "/transfers/offer/<reference>/": None,
}


def _without_the_pending_offer(rows) -> None:
    """The matrix's case is offered to the school desk; an offered case cannot be closed."""
    from transfers import services as transfer_services
    from transfers.models import CaseTransfer

    transfer = rows[CaseTransfer]
    transfer_services.transfer_withdraw(transfer_id=transfer.pk, by=transfer.offered_by)


def write_routes(rows, client) -> set[str]:
    """The case routes that take a write from the owner (any answer but 405 to POST or PATCH)."""
    found = set()
    for route, placed in ROUTES.items():
        url = fill(route, placed, rows)
        for method in ("post", "patch"):
            if call(client, method, url).status_code != 405:
                found.add(route)
    return found


def test_every_write_route_has_a_valid_change_here(rows, counsellor, web):
    assert write_routes(rows, web(counsellor)) - set(WRITES) == set()


@pytest.mark.parametrize("route", [route for route, build in WRITES.items() if build])
def test_every_change_of_the_case_is_recorded(route, rows, counsellor, deskmate, web, api):
    from referrals.models import DesignatedPlatform

    rows["platform"] = DesignatedPlatform.objects.get(code="x").pk
    method, body, is_api = WRITES[route](rows, {"deskmate": deskmate})
    url = fill(route, ROUTES[route], rows)
    mark = last_id()
    if is_api:
        response = getattr(api(counsellor), method)(url, body, format="json")
    else:
        response = getattr(web(counsellor), method)(url, body)
    # A page that saved redirects; one that answers 200 refused the form.
    assert response.status_code in ((200, 201) if is_api else (302,)), (
        response.status_code,
        response.content.decode()[:800],
    )
    changes = entries_since(mark, rows[Case].reference).exclude(action__in=READS)
    assert changes.filter(actor=counsellor, via=channel(url)).exists(), list(
        changes.values_list("action", "via")
    )


def test_reopening_is_recorded(rows, counsellor, web):
    from cases import services as case_services

    _without_the_pending_offer(rows)
    case_services.case_close(
        case=rows[Case],
        by=counsellor,
        reason="resolved",
        data={"follow_up_reason": "no_longer_needed"},
    )
    mark = last_id()
    response = web(counsellor).post(f"/cases/{rows[Case].reference}/reopen/", {"reason": "再相談"})
    assert response.status_code == 302
    assert entries_since(mark, rows[Case].reference).filter(action="reopen", via="web").exists()


def test_no_entry_holds_case_text(rows, counsellor, web, api):
    web(counsellor).post(f"/cases/{rows[Case].reference}/notes/", {"body": "秘密のメモ本文"})
    texts = [str(detail) for detail in AuditEntry.objects.values_list("detail", flat=True)]
    assert not any("秘密のメモ本文" in text or rows[Case].summary in text for text in texts)
