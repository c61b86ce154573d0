"""The deployed API answers a token holder and no one else.

The Schemathesis run over the whole API against this server plugs in through the
``api_target`` fixture (or ``tests.deployed.stack.deployed_api_target()``).
"""

import json

from tests.deployed.test_pages import fetch


def test_the_schema_is_served_to_a_token_holder_only(api_target):
    signed_in = fetch(api_target.schema_url, api_target.counsellor_headers)
    anonymous = fetch(api_target.schema_url)

    assert signed_in.status == 200
    schema = json.loads(signed_in.read())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/" in schema["paths"]
    assert anonymous.status in (401, 403)
    assert b"openapi" not in anonymous.read()
