"""Write catalogue windows as HSDS 3.0 documents: the API shape and the tabular datapackage."""

import csv
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from catalogue.hsds import SOURCE_FIELD, TAXONOMY, TERMS, VERIFIED_ACTION, derived_id, term_id
from catalogue.hsds.validation import table_schemas
from catalogue.models import HOLIDAYS_CLOSED, YEAR_END_CLOSED, Organization, Service

NATIONAL_AREA = "日本"


def exported_services() -> QuerySet[Service]:
    """Return every window, in the order the export lists them."""
    return (
        Service.objects.select_related("organization", "desk")
        .prefetch_related("phones", "schedules")
        .order_by("uuid")
    )


def _organization(organization: Organization) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(organization.uuid),
        "name": organization.name,
        "description": organization.name,
    }
    if organization.name_en:
        document["alternate_name"] = organization.name_en
    if organization.url:
        document["website"] = organization.url
    return document


def _phones(service: Service) -> list[dict[str, Any]]:
    phones = []
    for position, phone in enumerate(service.phones.all()):
        document = {
            "id": derived_id("phone", service.uuid, position),
            "service_id": str(service.uuid),
            "number": phone.number,
            "type": phone.kind,
        }
        lines = [f"受付時間: {phone.hours}"] if phone.hours else []
        lines += [phone.note] if phone.note else []
        if lines:
            document["description"] = "\n".join(lines)
        phones.append(document)
    return phones


def _schedules(service: Service) -> list[dict[str, Any]]:
    schedules = []
    for schedule in service.schedules.all():
        document = {
            "id": str(schedule.uuid),
            "service_id": str(service.uuid),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(schedule.weekdays),
            "opens_at": f"{schedule.opens_at:%H:%M}",
            "closes_at": f"{schedule.closes_at:%H:%M}",
            "description": schedule.describe(),
        }
        exceptions = [
            phrase
            for phrase, closed in (
                (HOLIDAYS_CLOSED, schedule.closed_on_holidays),
                (YEAR_END_CLOSED, schedule.closed_year_end),
            )
            if closed
        ]
        notes = "、".join(exceptions + ([schedule.note] if schedule.note else []))
        if notes:
            document["notes"] = notes
        schedules.append(document)
    return schedules


def area_name(service: Service) -> str:
    """Name the area a window serves, in Japanese."""
    if service.scope == Service.Scope.PREFECTURE:
        return service.prefecture
    if service.scope == Service.Scope.MUNICIPALITY:
        return f"{service.prefecture}{service.municipality}"
    if service.scope == Service.Scope.DESK and service.desk is not None:
        return service.desk.name
    return NATIONAL_AREA


def _service_areas(service: Service) -> list[dict[str, Any]]:
    return [
        {
            "id": derived_id("service_area", service.uuid),
            "service_id": str(service.uuid),
            "name": area_name(service),
            "description": str(Service.Scope(service.scope).label),
            "extent_type": "text",
            "extent": area_name(service),
        }
    ]


def _languages(service: Service) -> list[dict[str, Any]]:
    return [
        {
            "id": derived_id("language", service.uuid, code),
            "service_id": str(service.uuid),
            "code": code,
        }
        for code in service.languages
    ]


def _attribute_values(service: Service) -> list[tuple[str, str]]:
    values = [("category", code) for code in service.categories]
    values += [("action", code) for code in service.actions]
    values += [("channel", code) for code in service.channels]
    values += [("audience", service.audience), ("scope", service.scope)]
    if service.prefecture:
        values.append(("prefecture", service.prefecture))
    if service.municipality:
        values.append(("municipality", service.municipality))
    if service.scope == Service.Scope.DESK and service.desk is not None:
        values.append(("desk", service.desk.slug))
    if service.hours:
        values.append(("hours", service.hours))
    values += [("follow_up_days", str(service.follow_up_days)), ("slug", service.slug)]
    return values


def _term(kind: str) -> dict[str, Any]:
    return {
        "id": term_id(kind),
        "code": kind,
        "name": TERMS[kind],
        "description": TERMS[kind],
        "taxonomy": TAXONOMY,
    }


def _attributes(service: Service) -> list[dict[str, Any]]:
    return [
        {
            "id": derived_id("attribute", service.uuid, kind, value),
            "link_id": str(service.uuid),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": term_id(kind),
            "value": value,
            "taxonomy_term": _term(kind),
        }
        for kind, value in _attribute_values(service)
    ]


def _metadata(service: Service) -> list[dict[str, Any]]:
    if not service.source_url:
        return []
    return [
        {
            "id": derived_id("metadata", service.uuid, SOURCE_FIELD),
            "resource_id": str(service.uuid),
            "resource_type": "service",
            "last_action_date": service.last_verified.isoformat(),
            "last_action_type": VERIFIED_ACTION,
            "field_name": SOURCE_FIELD,
            "previous_value": "",
            "replacement_value": service.source_url,
            "updated_by": service.organization.name,
        }
    ]


def service_list_item(service: Service) -> dict[str, Any]:
    """Return a window's one-to-one fields, as an item of the standard's ``/services`` page."""
    document: dict[str, Any] = {
        "id": str(service.uuid),
        "organization_id": str(service.organization.uuid),
        "name": service.name,
        "description": service.description,
        "status": "active" if service.is_active else "inactive",
        "assured_date": service.last_verified.isoformat(),
    }
    if service.name_en:
        document["alternate_name"] = service.name_en
    if service.url:
        document["url"] = service.url
    if service.eligibility:
        document["eligibility_description"] = service.eligibility
    return document


def service_document(service: Service) -> dict[str, Any]:
    """Return a window in full, as the standard's ``/services/{id}`` answer."""
    with translation.override("ja"):
        return {
            **service_list_item(service),
            "organization": _organization(service.organization),
            "phones": _phones(service),
            "schedules": _schedules(service),
            "service_areas": _service_areas(service),
            "languages": _languages(service),
            "attributes": _attributes(service),
            "metadata": _metadata(service),
        }


def services_page(services: Iterable[Service], *, page: int = 1, per_page: int = 0) -> dict:
    """Return the standard's ``/services`` page; ``per_page`` 0 puts everything on one page."""
    items = [service_list_item(service) for service in services]
    total = len(items)
    size = per_page or max(total, 1)
    pages = max(math.ceil(total / size), 1)
    contents = items[(page - 1) * size : page * size]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def datapackage_tables(documents: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Flatten full service documents into the rows of the tabular form, by table name."""
    tables: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "organization",
            "service",
            "phone",
            "schedule",
            "service_area",
            "language",
            "attribute",
            "taxonomy_term",
            "metadata",
        )
    }
    organizations: dict[str, dict] = {}
    terms: dict[str, dict] = {}
    for document in documents:
        organizations.setdefault(document["organization"]["id"], document["organization"])
        tables["service"].append(
            {key: value for key, value in document.items() if not isinstance(value, list | dict)}
        )
        for key, table in (
            ("phones", "phone"),
            ("schedules", "schedule"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("metadata", "metadata"),
        ):
            tables[table].extend(document[key])
        for attribute in document["attributes"]:
            term = attribute["taxonomy_term"]
            terms.setdefault(term["id"], term)
            tables["attribute"].append(
                {key: value for key, value in attribute.items() if key != "taxonomy_term"}
            )
    tables["organization"] = list(organizations.values())
    tables["taxonomy_term"] = list(terms.values())
    return tables


def datapackage_descriptor(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Describe the CSV files as a Frictionless tabular data package."""
    schemas = table_schemas()
    resources = []
    for name in tables:
        table = schemas[name]
        fields = []
        for field_name, field in table["properties"].items():
            if field.get("type") in ("array", "object", None):
                continue
            entry = {"name": field_name, "type": field["type"]}
            if "format" in field:
                entry["format"] = field["format"]
            fields.append(entry)
        resources.append(
            {
                "name": name,
                "path": table["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "tsunagu-catalogue",
        "title": "つなぐ 相談窓口カタログ",
        "profile": "tabular-data-package",
        "resources": resources,
    }


def write_datapackage(directory: Path, documents: list[dict[str, Any]]) -> None:
    """Write the CSV files and ``datapackage.json`` of the tabular form into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = datapackage_tables(documents)
    descriptor = datapackage_descriptor(tables)
    for resource in descriptor["resources"]:
        columns = [field["name"] for field in resource["schema"]["fields"]]
        with (directory / resource["path"]).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in tables[resource["name"]]:
                writer.writerow({column: row.get(column, "") for column in columns})
    _write_json(directory / "datapackage.json", descriptor)


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_export(directory: Path) -> int:
    """Write ``services.json``, ``services/{id}.json`` and ``datapackage/``; return the count."""
    services = list(exported_services())
    documents = [service_document(service) for service in services]
    (directory / "services").mkdir(parents=True, exist_ok=True)
    _write_json(directory / "services.json", services_page(services))
    for document in documents:
        _write_json(directory / "services" / f"{document['id']}.json", document)
    write_datapackage(directory / "datapackage", documents)
    return len(documents)
