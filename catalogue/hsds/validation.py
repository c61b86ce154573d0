"""Check documents against the standard's own JSON Schemas, vendored under ``schema/``."""

import csv
import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


@functools.cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def table_schemas() -> dict[str, dict[str, Any]]:
    """Return the tabular profile's schema of each table, by table name."""
    return {
        name: table["items"] for name, table in _load("compiled/tabular.json")["properties"].items()
    }


def _errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    ]


def service_errors(document: Any) -> list[str]:
    """Return what keeps a document from being a valid ``/services/{id}`` answer."""
    return _errors(_load("compiled/service_with_definitions.json"), document)


def page_errors(document: Any) -> list[str]:
    """Return what keeps a document from being a valid ``/services`` page."""
    page = _load("openapi.json")["components"]["schemas"]["Page"]
    errors = _errors(page, document)
    contents = document.get("contents") if isinstance(document, dict) else None
    if not isinstance(contents, list):
        return [*errors, "contents: is not an array"]
    item = _load("compiled/service_list.json")
    for index, entry in enumerate(contents):
        errors += [f"contents/{index}/{error}" for error in _errors(item, entry)]
    return errors


def typed_row(table: dict[str, Any], row: dict[str, str]) -> dict[str, Any]:
    """Turn one CSV row into the JSON values its table's schema gives; empty cells are absent."""
    typed: dict[str, Any] = {}
    required = set(table.get("required", []))
    for name, text in row.items():
        if name not in table["properties"] or text is None:
            continue
        kind = table["properties"][name].get("type")
        if text == "":
            # A required text may be empty (a first value has no previous one); others are absent.
            if name in required and kind == "string":
                typed[name] = ""
            continue
        try:
            if kind == "number":
                typed[name] = float(text) if "." in text else int(text)
            elif kind == "integer":
                typed[name] = int(text)
            elif kind == "boolean":
                typed[name] = text.lower() in ("true", "1")
            else:
                typed[name] = text
        except ValueError:
            typed[name] = text
    return typed


def read_datapackage(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Read the CSV files a ``datapackage.json`` names into typed rows, by table name."""
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    schemas = table_schemas()
    tables: dict[str, list[dict[str, Any]]] = {}
    for resource in descriptor.get("resources", []):
        name = resource.get("name")
        if name not in schemas:
            continue
        with (directory / resource["path"]).open(encoding="utf-8-sig", newline="") as source:
            tables[name] = [typed_row(schemas[name], row) for row in csv.DictReader(source)]
    return tables


def datapackage_errors(directory: Path) -> list[str]:
    """Return what keeps a directory from being a valid HSDS tabular datapackage."""
    schemas = table_schemas()
    errors = []
    for name, rows in read_datapackage(directory).items():
        for index, row in enumerate(rows, start=2):
            errors += [
                f"{schemas[name]['path']}:{index}: {error}" for error in _errors(schemas[name], row)
            ]
    return errors
