"""Malformed input is a clear 400 or an ordinary answer, never a server error.

Every route of the site and the API is found by walking the resolver (as the isolation
matrix does) and filled with real objects, then sent, as a signed-in counsellor: NUL in the
path, the query, form fields and JSON; JSON nested a thousand deep; a body over
DATA_UPLOAD_MAX_MEMORY_SIZE; odd Unicode digits (², ３, ٣) in every query parameter the
site reads, also as a supervisor, who reaches the statistics; and a 200,000-character text
in every free-text field. The first three are refused by core.requests with a 400 naming
the problem; the others answer as an ordinary request to the route does, or with a 400
that says what is wrong. Run on SQLite and on PostgreSQL, which refuses NUL outright.
"""

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from cases.models import Case
from catalogue.models import stable_uuid
from tests.cases.test_isolation import CASE_KEYS, UNPLACED, _walk
from tests.cases.test_isolation import rows as isolation_rows  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# Route parameters that name no row of a case, with a value that reaches the view.
VALUES = {
    "slug": "ihaho",
    "table": "service",
    "fmt": "csv",
    "token_id": "1",
    "id": str(stable_uuid("service", "ihaho")),  # the HSDS identifier of a national window
}
# The query parameters the pages and the API read, dates and numbers among them.
PARAMETERS = (
    "page", "notes", "desk", "from", "to", "fiscal_year", "due_before", "status", "category",
    "mine", "scope", "group_by", "service", "reference", "action", "channel", "q", "children",
)  # fmt: skip
ODD_DIGITS = ("²", "３", "٣", "2025-０４", "٢٠٢٥-٠٤-٠١", "9" * 5_000)
FREE_TEXT = ("summary", "body", "reason", "note")
LONG_TEXT = "0-" * 100_000
# The API's page numbers are the API router's: an unknown page is DRF's 404 there.
API_ONLY_PAGES = {"page"}
# Logging out would sign the client out for the rest of the route's requests.
NOT_POSTED_AS_IS = {"/logout/"}


def _routes() -> dict[str, dict]:
    routes = {}
    for route, placed in _walk():
        # Format-suffix URLs (.json) are the API router's, checked with it.
        if "format" in placed or UNPLACED in placed.values():
            continue
        routes[route] = placed
    return routes


ROUTES = _routes()


def fill(route: str, placed: dict, rows: dict, *, reference: str | None = None) -> str:
    url = route
    for key, model in placed.items():
        if key in CASE_KEYS:
            value = reference or getattr(rows[Case], CASE_KEYS[key])
        elif model is not None:
            value = rows[model].pk
        else:
            value = VALUES[key]
        url = url.replace(f"<{key}>", str(value))
    return url


def send(client: Client, method: str, url: str, *, json_body=None, form=None, raw=None):
    if json_body is not None or raw is not None:
        data = raw if raw is not None else json.dumps(json_body, ensure_ascii=False)
        return getattr(client, method)(url, data=data, content_type="application/json")
    if method == "get":
        return client.get(url, form or {})
    if method == "post":
        return client.post(url, form or {})
    return getattr(client, method)(url, data="", content_type="application/x-www-form-urlencoded")


def message_of(response) -> str:
    """Return what a refusal says: the API's JSON flattened, or the page's text."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def assert_refused(response, *, saying: str) -> None:
    assert response.status_code == 400, response.status_code
    assert saying in message_of(response)


def assert_answered_or_refused(response, baseline: int, url: str) -> None:
    """No server error; the route answers as a clean request does, or a 400 with a message."""
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code != baseline:
        assert response.status_code == 400, (url, baseline, response.status_code)
        said = message_of(response)
        if url.startswith("/api/"):
            assert response.json(), url
        else:
            assert re.search("[\u3040-\u30ff\u4e00-\u9fff]", said), url


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Hash the cast's passwords cheaply: this module makes them for some 300 tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def unhurried_live_check(monkeypatch):
    """Space the live check's requests a second apart: its rate limit is tested on its own."""
    from cases import views

    now = iter(range(1_000_000, 2_000_000))
    for throttle in views.LIVE_CHECK_THROTTLES:
        monkeypatch.setattr(throttle, "timer", lambda self: float(next(now)))


@pytest.fixture
def case_rows(isolation_rows):  # noqa: F811
    """The owner's case with a row of each kind it owns: note, referral, request, follow-up."""
    return isolation_rows


@pytest.fixture
def signed_in(web, counsellor, supervisor):
    return {"counsellor": web(counsellor), "supervisor": web(supervisor)}


def test_the_battery_covers_the_site_and_the_api():
    for expected in (
        "/cases/pii-check/",
        "/cases/<reference>/notes/",
        "/stats/",
        "/stats/export/<table>.<fmt>",
        "/api/v1/cases/",
        "/api/v1/cases/<reference>/notes/",
        "/api/v1/stats/referrals/",
        "/api/v1/follow-ups/",
        "/follow-ups/<follow_up_id>/record/",
    ):
        assert expected in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_nul_is_refused_everywhere_before_any_view(route, case_rows, signed_in):
    client = signed_in["counsellor"]
    url = fill(route, ROUTES[route], case_rows)
    nul = "使えない文字（NUL、U+0000）"
    assert_refused(client.get(url, {"q": "a\x00b"}), saying=nul)
    assert_refused(client.get(url, {"a\x00": "b"}), saying=nul)
    assert_refused(client.post(url, dict.fromkeys(FREE_TEXT, "Aさん\x00")), saying=nul)
    for method in ("post", "patch", "put"):
        assert_refused(
            send(client, method, url, json_body=dict.fromkeys(FREE_TEXT, "Aさん\u0000")),
            saying=nul,
        )
        assert_refused(send(client, method, url, json_body={"body\u0000": "Aさん"}), saying=nul)
    if ROUTES[route].keys() & CASE_KEYS.keys():
        assert_refused(
            client.get(fill(route, ROUTES[route], case_rows, reference="A%00B")), saying=nul
        )


def test_an_escaped_backslash_before_u0000_is_text_not_nul(case_rows, signed_in):
    body = {"body": "パスは C:\\\\u0000 のような文字列"}
    response = send(
        signed_in["counsellor"], "post", f"/api/v1/cases/{case_rows[Case].reference}/notes/",
        json_body=body,
    )  # fmt: skip
    assert response.status_code == 201


@pytest.mark.parametrize("route", ROUTES)
def test_json_nested_too_deep_is_refused(route, case_rows, signed_in):
    client = signed_in["counsellor"]
    url = fill(route, ROUTES[route], case_rows)
    nested = '{"summary": ' * 1_000 + '"Aさん"' + "}" * 1_000
    for method in ("post", "patch", "put"):
        for raw in ("[" * 1_000 + "]" * 1_000, "[" * 100_000, nested):
            assert_refused(send(client, method, url, raw=raw), saying="入れ子が深すぎます")


def test_brackets_inside_json_strings_are_text_not_nesting(case_rows, signed_in):
    url = f"/api/v1/cases/{case_rows[Case].reference}/notes/"
    body = {"body": "顔文字 " + "[{" * 100 + ' \\" ' + "}]" * 100}
    assert send(signed_in["counsellor"], "post", url, json_body=body).status_code == 201


def test_json_of_ordinary_depth_still_reaches_the_api(case_rows, signed_in):
    response = send(
        signed_in["counsellor"], "post", "/api/v1/referrals/suggestions/",
        json_body={"situation": "victim", "wishes": ["delete"], "categories": ["defamation"],
                   "flags": []},
    )  # fmt: skip
    assert response.status_code == 200


@pytest.mark.parametrize("route", ROUTES)
def test_an_oversized_body_is_refused(route, case_rows, signed_in):
    client = signed_in["counsellor"]
    url = fill(route, ROUTES[route], case_rows)
    big = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for method in ("post", "patch"):
        assert_refused(send(client, method, url, json_body={"body": big}), saying="大きすぎます")
    assert_refused(client.post(url, {"body": big}), saying="大きすぎます")


@pytest.mark.parametrize("who", ["counsellor", "supervisor"])
@pytest.mark.parametrize("route", ROUTES)
def test_odd_digits_in_query_parameters_are_never_a_server_error(route, who, case_rows, signed_in):
    client = signed_in[who]
    url = fill(route, ROUTES[route], case_rows)
    baseline = client.get(url).status_code
    names = [
        name for name in PARAMETERS if not (url.startswith("/api/") and name in API_ONLY_PAGES)
    ]
    for value in ODD_DIGITS:
        assert_answered_or_refused(client.get(url, dict.fromkeys(names, value)), baseline, url)


@pytest.mark.parametrize("route", ROUTES)
def test_a_200000_character_text_is_never_a_server_error(route, case_rows, signed_in):
    client = signed_in["counsellor"]
    url = fill(route, ROUTES[route], case_rows)
    if route in NOT_POSTED_AS_IS:
        return
    # One field at a time: four of them together would be over the body limit.
    for name in FREE_TEXT:
        for method in ("post", "patch"):
            baseline = send(client, method, url, json_body={name: "Aさんから相談"}).status_code
            answer = send(client, method, url, json_body={name: LONG_TEXT})
            assert_answered_or_refused(answer, baseline, url)
        baseline = client.post(url, {name: "Aさんから相談"}).status_code
        assert_answered_or_refused(client.post(url, {name: LONG_TEXT}), baseline, url)


def test_a_200000_character_text_is_a_400_naming_its_field(case_rows, signed_in):
    client = signed_in["counsellor"]
    reference = case_rows[Case].reference
    note = send(client, "post", f"/api/v1/cases/{reference}/notes/", json_body={"body": LONG_TEXT})
    assert note.status_code == 400
    assert list(note.json()) == ["body"]
    edit = send(client, "patch", f"/api/v1/cases/{reference}/", json_body={"summary": LONG_TEXT})
    assert edit.status_code == 400
    assert list(edit.json()) == ["summary"]
    live = client.post("/cases/pii-check/", {"summary": LONG_TEXT})
    assert_refused(live, saying="4,000文字以内にしてください（いまは200,000文字です）")
    page = client.post(f"/cases/{reference}/notes/", {"body": LONG_TEXT})
    assert page.status_code == 400
    assert "4000" in page.content.decode() or "4,000" in page.content.decode()
