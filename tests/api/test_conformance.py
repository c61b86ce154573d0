"""The API answers as its OpenAPI schema says, checked by Schemathesis over every operation.

Every operation of ``/api/v1/schema/`` is called with generated requests, valid and invalid,
as a counsellor, a supervisor and an administrator (a superuser of no desk), and every one of
Schemathesis's default checks runs on each answer: no server error; status code, content type,
headers and body as documented; valid data accepted and invalid data refused; and no answer
without the credentials the schema asks for.

Valid requests often name real rows: case references, referral and follow-up ids, windows,
desks and counsellors the role can see take the place of generated values, so the operations
on real rows are exercised too, not only their 404s. Some rules depend on those rows or on
the day, which no schema can state: a referral moves forward only, a closed case takes no
notes, a desk must be one of the user's, a follow-up date may not lie in the past, free text
must hold no personal data. A valid request refused by one of them is a 400 naming that
field; ``DATA_RULES`` lists them per operation, and a 400 to a valid request that names any
other field fails the test.

In process (the default), the Django app is called through WSGI on the test database, filled
once for the module by ``loaddemo``::

    .venv/bin/python -m pytest tests/api/test_conformance.py

Against a running server that has the demo loaded, give its address and an API token of
each role (``python manage.py staff token demo-counsellor``, ``demo-supervisor``,
``demo-admin``)::

    SCHEMATHESIS_BASE_URL=http://127.0.0.1:8100 \\
    SCHEMATHESIS_TOKEN_COUNSELLOR=... SCHEMATHESIS_TOKEN_SUPERVISOR=... \\
    SCHEMATHESIS_TOKEN_ADMIN=... \\
    .venv/bin/python -m pytest tests/api/test_conformance.py

``SCHEMATHESIS_EXAMPLES`` sets the examples generated per operation and phase (default 100);
the run is derandomized, so the same code sends the same requests.
"""

import io
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from referrals.models import FollowUp

BASE_URL = os.environ.get("SCHEMATHESIS_BASE_URL", "").rstrip("/")
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100"))
SCHEMA_PATH = "/api/v1/schema/"
ROLES = {"counsellor": "demo-counsellor", "supervisor": "demo-supervisor", "admin": "demo-admin"}
# The platforms designated under 情報流通プラットフォーム対処法 (domain.md).
PLATFORMS = ["x", "instagram", "facebook", "youtube", "tiktok", "line"]
# The legal clocks a counsellor starts by hand (domain.md; the platform's comes with its request).
CLOCK_KINDS = ["log_retention", "disclosure_order", "provision_order", "erasure_prohibition_order"]

# The fields whose rules depend on stored rows or on the day, per operation: a valid request
# may be refused with a 400 naming one of them. Free text refused for personal data names
# its field next to "pii", on every operation that takes free text.
DATA_RULES: dict[str, set[str]] = {
    # desk: one the user counsels at; assigned_to: a counsellor of that desk.
    "POST /api/v1/cases/": {"desk", "assigned_to"},
    # A closed case takes no changes but reopening, an open one is not reopened; closing
    # needs a reason, and one for any open follow-ups.
    "PATCH /api/v1/cases/{reference}/": {
        "status",
        "closure_reason",
        "reason",
        "assigned_to",
        "follow_up_reason",
        "non_field_errors",
    },
    "POST /api/v1/cases/{reference}/notes/": {"non_field_errors"},
    # An active window; a follow-up today or later; an open case.
    "POST /api/v1/cases/{reference}/referrals/": {"service", "follow_up_on", "non_field_errors"},
    # A designated platform; a referral of this case; a day not in the future; an open case.
    "POST /api/v1/cases/{reference}/deletion-requests/": {
        "platform",
        "referral",
        "sent_on",
        "non_field_errors",
    },
    # A kind of clock kept as data; a start day not in the future; an open case.
    "POST /api/v1/cases/{reference}/clocks/": {"kind", "started_on", "non_field_errors"},
    # The lifecycle moves forward only; an outcome only when concluding.
    "PATCH /api/v1/referrals/{id}/": {"status", "outcome"},
    # Recorded once; the next date after today; the referral's lifecycle.
    "POST /api/v1/follow-ups/{id}/record/": {
        "non_field_errors",
        "next_on",
        "referral_status",
        "outcome",
    },
    "POST /api/v1/referrals/suggestions/": {"desk"},
    # A case of the user's desk, open, not already offered or waiting for closing approval;
    # another desk that exists.
    "POST /api/v1/transfers/": {"case", "to_desk", "non_field_errors"},
    # Only a pending offer, by a counsellor of the receiving (or, to withdraw, sending) desk.
    "POST /api/v1/transfers/{id}/accept/": {"non_field_errors"},
    "POST /api/v1/transfers/{id}/decline/": {"non_field_errors"},
    "POST /api/v1/transfers/{id}/withdraw/": {"non_field_errors"},
    # Only a case whose desk wants approval for it, once, with a reason for open follow-ups.
    "POST /api/v1/cases/{reference}/closing-request/": {
        "status",
        "follow_up_reason",
        "non_field_errors",
    },
    # Only a supervisor of the case's desk, and only a pending request; a comment not blank.
    "POST /api/v1/cases/{reference}/closing-request/approve/": {
        "status",
        "follow_up_reason",
        "non_field_errors",
    },
    "POST /api/v1/cases/{reference}/closing-request/return/": {"comment", "non_field_errors"},
    # "to" on or after "from".
    "GET /api/v1/cases/": {"desk", "to"},
    # Desks the user supervises; a period (from-to, or the 年度) with a completed month.
    "GET /api/v1/stats/referrals/": {"desk", "from", "fiscal_year"},
    "GET /api/v1/stats/referrals.csv": {"desk", "from", "fiscal_year"},
    "GET /api/v1/stats/referrals.xlsx": {"desk", "from", "fiscal_year"},
}
FREE_TEXT = {"summary", "reason", "body", "note", "comment"}
# Request fields that name a stored row or a code kept as data.
REFERENCES = {
    "desk",
    "assigned_to",
    "service",
    "platform",
    "referral",
    "follow_up_reason",
    "case",
    "to_desk",
    "kind",
}

# The rows the role can see, filled before each test; read while requests are generated.
KNOWN: dict[str, list[Any]] = {}
# Generated requests sent, by role (the checks' own probes not counted).
SENT: Counter[str] = Counter()


def _known_values(get: Callable[[str], Any]) -> dict[str, list[Any]]:
    """Collect the references, ids, slugs and names of rows the role can see."""
    cases = get("/api/v1/cases/")["results"]
    references = [case["reference"] for case in cases[:20]]
    referrals: list[int] = []
    for reference in references[:8]:
        referrals += [row["id"] for row in get(f"/api/v1/cases/{reference}/referrals/")["results"]]
    follow_ups = [row["id"] for row in get("/api/v1/follow-ups/")["results"][:20]]
    transfers = [
        row["id"]
        for path in ("/api/v1/transfers/incoming/", "/api/v1/transfers/sent/")
        for row in get(path)["results"][:10]
    ]
    services = [row["slug"] for row in get("/api/v1/catalogue/services/")["results"]]
    return {
        "reference": references,
        "referral": referrals,
        "follow_up": follow_ups,
        "transfer": transfers,
        "case": references,
        "to_desk": ["gifu-city", "gifu-hs"],
        "service": services,
        "desk": sorted({case["desk"] for case in cases}),
        "assigned_to": sorted({case["assigned_to"] for case in cases if case["assigned_to"]}),
        "platform": PLATFORMS,
        "follow_up_reason": list(FollowUp.CloseReason.values),
        "kind": CLOCK_KINDS,
    }


def _say(request, line: str) -> None:
    """Print a line on the terminal, past pytest's capture."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


@pytest.fixture(scope="module")
def demo_tokens(request, django_db_blocker) -> Iterator[dict[str, str]]:
    """Load the demo once for the module, in a transaction rolled back at its end."""
    _say(
        request,
        f"Schemathesis: {EXAMPLES} examples per operation and phase, derandomized, "
        f"against {BASE_URL or 'the app in process'}",
    )
    if BASE_URL:
        tokens = {role: os.environ.get(f"SCHEMATHESIS_TOKEN_{role.upper()}", "") for role in ROLES}
        missing = [f"SCHEMATHESIS_TOKEN_{role.upper()}" for role, key in tokens.items() if not key]
        if missing:
            pytest.fail(f"SCHEMATHESIS_BASE_URL is set, so set {', '.join(missing)} too.")
        yield tokens
    else:
        from accounts.services import staff_token

        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("loaddemo", stdout=io.StringIO())
            yield {role: staff_token(username=username) for role, username in ROLES.items()}
            transaction.set_rollback(True)
    by_role = ", ".join(f"{role} {SENT[role]}" for role in ROLES)
    _say(request, f"\nSchemathesis: {SENT.total()} generated requests ({by_role})")


@pytest.fixture
def headers(role, demo_tokens) -> dict[str, str]:
    return {"Authorization": f"Token {demo_tokens[role]}"}


@pytest.fixture
def known(headers) -> None:
    """Fill KNOWN with the rows the role can see."""
    if BASE_URL:

        def get(path):
            # A served stack throttles each token (API_THROTTLE_READ): past the rate, wait as
            # its Retry-After says, as any client should.
            for _ in range(5):
                response = requests.get(BASE_URL + path, headers=headers, timeout=30)
                if response.status_code != 429:
                    break
                time.sleep(min(int(response.headers.get("Retry-After") or 1), 60))
            response.raise_for_status()
            return response.json()

    else:
        client = Client(headers=headers)

        def get(path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.content)
            return response.json()

    KNOWN.clear()
    KNOWN.update(_known_values(get))


@pytest.fixture
def in_process(known) -> Iterator[None]:
    """Keep the test's connection open across requests, as Django's test client does.

    After ``known``, whose test client connects the signal again after each request.
    """
    if BASE_URL:
        yield
        return
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _path_values(operation_path: str, name: str) -> list[Any]:
    if name == "id" and "/transfers/" in operation_path:
        return KNOWN["transfer"]
    if name == "id":
        return KNOWN["follow_up" if "/follow-ups/" in operation_path else "referral"]
    return KNOWN.get({"slug": "service"}.get(name, name), [])


def _maybe_real(draw, value: Any, values: list[Any]) -> Any:
    """Half the time, put a real row's value in place of a generated one, in the same form."""
    if not values or not draw(st.booleans()):
        return value
    picked = draw(st.sampled_from(values))
    if isinstance(value, list):
        return [str(picked)]
    return str(picked) if isinstance(value, str) else picked


@st.composite
def _with_real_rows(draw, case):
    meta = case.meta
    if meta is None:
        return case
    if case.path_parameters and not meta.is_negative_at(ParameterLocation.PATH):
        case.path_parameters = {
            name: _maybe_real(draw, value, _path_values(case.operation.path, name))
            for name, value in case.path_parameters.items()
        }
    query_ok = not meta.is_negative_at(ParameterLocation.QUERY)
    if isinstance(case.query, dict) and "desk" in case.query and query_ok:
        case.query = {
            **case.query,
            "desk": _maybe_real(draw, case.query["desk"], KNOWN["desk"]),
        }
    if isinstance(case.body, dict) and not meta.is_negative_at(ParameterLocation.BODY):
        body = dict(case.body)
        for name in set(body) & REFERENCES:
            body[name] = _maybe_real(draw, body[name], KNOWN.get(name, []))
        case.body = body
    return case


@schemathesis.hook
def flatmap_case(context, case):
    """Let valid requests often name rows that exist."""
    return _with_real_rows(case)


def refuses_valid_requests_only_by_data_rules(ctx, response, case):
    """A 400 to a valid request names only fields whose rules depend on stored rows."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    body = response.json()
    named = set(body) if isinstance(body, dict) else {"?"}
    allowed = set(DATA_RULES.get(case.operation.label, set()))
    if "pii" in named:
        allowed |= FREE_TEXT | {"pii"}
    text = json.dumps(body, ensure_ascii=False)
    assert named <= allowed, f"Valid data refused for {sorted(named - allowed)}: {text}"
    return True


CONFIG = schemathesis.Config.from_dict(
    {
        # Credentials are the role's token; ignored_auth tries requests without it. A NUL
        # character is refused in any text (Django's ProhibitNullCharactersValidator), which
        # the schema does not repeat for every string.
        "generation": {"with-security-parameters": False, "allow-x00": False},
        "checks": {
            # A 400 to valid data is allowed only as refuses_valid_requests_only_by_data_rules says.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            }
        },
    }
)


def _load_schema():
    """Load the schema as served, or as the app generates it when testing in process.

    In process the schema is read at collection, before the test database exists, so it is
    generated by the same code that serves it rather than requested with a token.
    """
    if BASE_URL:
        token = os.environ.get("SCHEMATHESIS_TOKEN_COUNSELLOR", "")
        return schemathesis.openapi.from_url(
            BASE_URL + SCHEMA_PATH,
            config=CONFIG,
            headers={"Authorization": f"Token {token}"} if token else {},
        )
    from drf_spectacular.generators import SchemaGenerator

    from config.wsgi import application

    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(
        json.loads(json.dumps(raw, cls=DjangoJSONEncoder)), config=CONFIG
    )
    schema.app = application
    return schema


schema = _load_schema()
# A running server keeps its own database; in process, the test database holds the demo.
pytestmark = [] if BASE_URL else [pytest.mark.django_db]


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, role, headers, in_process):
    SENT[role] += 1
    case.call_and_validate(
        base_url=BASE_URL or None,
        headers=headers,
        additional_checks=[refuses_valid_requests_only_by_data_rules],
    )
