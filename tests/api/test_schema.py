"""The OpenAPI schema documents every answer: refusals, lists as pages, files, unknown values."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

METHODS = {"get", "post", "patch", "put", "delete"}


@pytest.fixture(scope="module")
def schema():
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_operation_documents_refusals_without_credentials_or_rights(schema):
    for label, operation in operations(schema):
        for code in ("401", "403"):
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}, label


def test_operations_on_a_row_or_a_page_document_the_404(schema):
    for label, operation in operations(schema):
        names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        if any(where == "path" for where, _name in names) or ("query", "page") in names:
            assert "404" in operation["responses"], label
        else:
            assert "404" not in operation["responses"], label


def test_operations_that_read_input_document_the_400_naming_fields(schema):
    for label, operation in operations(schema):
        reads_input = "requestBody" in operation or any(
            p["in"] == "query" and p["name"] != "page" for p in operation.get("parameters", [])
        )
        if not reads_input:
            # A step with nothing to send (approve, accept, withdraw) may still be refused for
            # the state its row is in; the refusal is documented with its JSON body.
            if "400" in operation["responses"]:
                refused = operation["responses"]["400"]["content"]["application/json"]
                assert refused["schema"], label
            continue
        bad = operation["responses"]["400"]["content"]["application/json"]["schema"]
        shapes = bad.get("anyOf", [bad])
        assert {"$ref": "#/components/schemas/ValidationError"} in shapes, label


def test_the_personal_data_refusal_is_documented_beside_field_errors(schema):
    bad = schema["paths"]["/api/v1/cases/"]["post"]["responses"]["400"]
    shapes = bad["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/PersonalDataRefusalSummary"} in shapes
    refusal = resolve(schema, shapes[0])
    assert set(refusal["required"]) == {"summary", "pii"}


def test_every_list_is_a_page(schema):
    for label, operation in operations(schema):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if not ok:
            continue
        body = resolve(schema, ok["schema"])
        assert body.get("type") != "array", label
        if "results" in body.get("properties", {}):
            assert {"count", "results"} <= set(body["required"]), label


def test_the_statistics_files_declare_their_content_types(schema):
    csv = schema["paths"]["/api/v1/stats/referrals.csv"]["get"]["responses"]["200"]["content"]
    xlsx = schema["paths"]["/api/v1/stats/referrals.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(csv) == ["text/csv; charset=utf-8"]
    assert list(xlsx) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def test_no_enum_offers_a_blank_string(schema):
    text = json.dumps(schema)
    assert "BlankEnum" not in text
    for name, component in schema["components"]["schemas"].items():
        assert "" not in component.get("enum", []), name


def test_addresses_that_may_be_unknown_are_nullable(schema):
    components = schema["components"]["schemas"]
    for name, field in [("Service", "url"), ("Organization", "url"), ("Referral", "service_url")]:
        assert components[name]["properties"][field]["format"] == "uri"
        assert components[name]["properties"][field]["nullable"] is True


def test_free_text_states_the_stored_cap(schema):
    from cases.models import FREE_TEXT_MAX_LENGTH

    components = schema["components"]["schemas"]
    for name, field in [
        ("CaseCreate", "summary"),
        ("PatchedCaseUpdate", "summary"),
        ("PatchedCaseUpdate", "reason"),
        ("NoteCreate", "body"),
    ]:
        assert components[name]["properties"][field]["maxLength"] == FREE_TEXT_MAX_LENGTH
