"""Read HSDS 3.0 documents (the API shape or the tabular datapackage) into catalogue windows."""

import datetime
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Desk
from catalogue.hsds import SOURCE_FIELD, TAXONOMY, TERMS, term_id
from catalogue.hsds.validation import read_datapackage, service_errors
from catalogue.models import (
    HOLIDAYS_CLOSED,
    YEAR_END_CLOSED,
    Organization,
    Phone,
    Schedule,
    Service,
)
from catalogue.vocabulary import Action, Audience, Category, Channel

CODES = {"category": Category, "action": Action, "channel": Channel, "audience": Audience}
WEEKDAYS = set(Schedule.Weekday.values)
HOURS_PREFIX = "受付時間: "
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?")


# The fields each nested part of a full service document gives.
PARTS = {
    "attributes": (
        "categories",
        "actions",
        "channels",
        "audience",
        "hours",
        "follow_up_days",
        "scope",
        "prefecture",
        "municipality",
        "desk",
    ),
    "languages": ("languages",),
    "metadata": ("source_url",),
}


class FeedError(Exception):
    """The feed as a whole cannot be read."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False


class RowError(Exception):
    pass


def read_feed(path: Path) -> list[dict[str, Any]]:
    """Return the service documents of a file or directory holding an HSDS feed."""
    if path.is_dir():
        if (path / "services").is_dir():
            return [_read_json(item) for item in sorted((path / "services").glob("*.json"))]
        if (path / "datapackage.json").is_file():
            return documents_from_tables(read_datapackage(path))
        if (path / "datapackage" / "datapackage.json").is_file():
            return documents_from_tables(read_datapackage(path / "datapackage"))
        raise FeedError(_("%(path)s: HSDS のファイルが見つかりません。") % {"path": path})
    if path.name == "datapackage.json":
        return documents_from_tables(read_datapackage(path.parent))
    return documents_from_json(_read_json(path))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(
            _("%(path)s: JSON として読めません（%(error)s）。") % {"path": path, "error": error}
        ) from error


def documents_from_json(document: Any) -> list[dict[str, Any]]:
    """Return the services of a ``/services`` page, a list of services or one service."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return document["contents"]
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "id" in document:
        return [document]
    raise FeedError(_("HSDS のサービス（services）が含まれていません。"))


def documents_from_tables(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Nest the rows of the tabular form back into full service documents."""
    organizations = {row.get("id"): row for row in tables.get("organization", [])}
    terms = {row.get("id"): row for row in tables.get("taxonomy_term", [])}

    def rows(table: str, key: str, value: str) -> list[dict[str, Any]]:
        return [row for row in tables.get(table, []) if row.get(key) == value]

    documents = []
    for service in tables.get("service", []):
        service_id = str(service.get("id", ""))
        document = dict(service)
        if service.get("organization_id") in organizations:
            document["organization"] = organizations[service["organization_id"]]
        document["phones"] = rows("phone", "service_id", service_id)
        document["schedules"] = rows("schedule", "service_id", service_id)
        document["service_areas"] = rows("service_area", "service_id", service_id)
        document["languages"] = rows("language", "service_id", service_id)
        document["metadata"] = rows("metadata", "resource_id", service_id)
        attributes = []
        for attribute in rows("attribute", "link_id", service_id):
            attribute = dict(attribute)
            if attribute.get("taxonomy_term_id") in terms:
                attribute["taxonomy_term"] = terms[attribute["taxonomy_term_id"]]
            attributes.append(attribute)
        document["attributes"] = attributes
        documents.append(document)
    return documents


def _tsunagu_attributes(document: dict[str, Any]) -> dict[str, list[str]]:
    kinds = {term_id(kind): kind for kind in TERMS}
    found: dict[str, list[str]] = {}
    for attribute in document.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        kind = kinds.get(attribute.get("taxonomy_term_id", ""))
        if kind is None and term.get("taxonomy") == TAXONOMY and term.get("code") in TERMS:
            kind = term["code"]
        if kind is not None and isinstance(attribute.get("value"), str):
            found.setdefault(kind, []).append(attribute["value"])
    return found


def _codes(attributes: dict[str, list[str]], kind: str) -> list[str]:
    values = attributes.get(kind, [])
    unknown = [value for value in values if value not in CODES[kind].values]
    if unknown:
        raise RowError(
            _("%(term)sのコードが不明です: %(codes)s")
            % {"term": TERMS[kind], "codes": ", ".join(unknown)}
        )
    return list(dict.fromkeys(values))


def _date(text: Any) -> datetime.date | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _time(text: Any) -> datetime.time | None:
    match = TIME.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return datetime.time(hour, minute) if hour < 24 and minute < 60 else None


def _phones(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    phones = []
    for phone in document.get("phones") or []:
        lines = (phone.get("description") or "").split("\n")
        hours = ""
        if lines and lines[0].startswith(HOURS_PREFIX):
            hours = lines.pop(0).removeprefix(HOURS_PREFIX)
        kind = phone.get("type") if phone.get("type") in Phone.Kind.values else Phone.Kind.MAIN
        note = "\n".join(lines)
        phones.append((str(phone["number"])[:30], kind, hours[:120], note[:200]))
    return phones


def _schedules(document: dict[str, Any]) -> list[dict[str, Any]]:
    schedules = []
    for schedule in document.get("schedules") or []:
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        if opens is None or closes is None:
            continue
        days = [day.strip()[-2:] for day in (schedule.get("byday") or "").split(",")]
        notes = schedule.get("notes") or ""
        rest = [
            part
            for part in notes.split("、")
            if part and part not in (HOLIDAYS_CLOSED, YEAR_END_CLOSED)
        ]
        schedules.append(
            {
                "uuid": uuid.UUID(schedule["id"]),
                "weekdays": [day for day in Schedule.Weekday.values if day in days],
                "opens_at": opens,
                "closes_at": closes,
                "closed_on_holidays": HOLIDAYS_CLOSED in notes,
                "closed_year_end": YEAR_END_CLOSED in notes,
                "note": "、".join(rest)[:200],
            }
        )
    return schedules


def _source(document: dict[str, Any]) -> tuple[str, datetime.date | None]:
    for entry in document.get("metadata") or []:
        if entry.get("field_name") == SOURCE_FIELD:
            return entry.get("replacement_value") or "", _date(entry.get("last_action_date"))
    return "", None


def _organization(document: dict[str, Any], desk: Desk | None) -> Organization:
    data = document.get("organization") or {}
    identifier = data.get("id") or document.get("organization_id")
    if identifier:
        existing = Organization.objects.filter(uuid=identifier).first()
        if existing is not None:
            return existing
        if data.get("name"):
            return Organization(
                uuid=uuid.UUID(identifier),
                slug=f"hsds-{uuid.UUID(identifier).hex[:12]}",
                name=data["name"][:120],
                name_en=(data.get("alternate_name") or "")[:160],
                url=data.get("website") or "",
            )
    if desk is not None:
        return Organization(slug=f"desk-{desk.slug}", name=desk.name)
    raise RowError(_("運営団体（organization）が分かりません。"))


def _own_desk(document: dict[str, Any], attributes: dict[str, list[str]]) -> Desk | None:
    """Find the desk a desk's window names, when this installation has it (its own export)."""
    slug = (attributes.get("desk") or [""])[0]
    found = Desk.objects.filter(slug=slug).first() if slug else None
    if found is None:
        existing = Service.objects.filter(uuid=document["id"], desk__isnull=False).first()
        found = existing.desk if existing is not None else None
    return found


def _fields(document: dict[str, Any], desk: Desk | None) -> dict[str, Any]:
    attributes = _tsunagu_attributes(document)
    scope = (attributes.get("scope") or [""])[0]
    if not scope:
        if desk is None:
            raise RowError(
                _(
                    "範囲（全国・都道府県・市区町村・デスク）が分かりません。--desk を指定してください。"
                )
            )
        scope = Service.Scope.DESK
    if scope not in Service.Scope.values:
        raise RowError(_("範囲のコードが不明です: %(scope)s") % {"scope": scope})
    if scope == Service.Scope.DESK and desk is None:
        desk = _own_desk(document, attributes)
        if desk is None:
            raise RowError(_("デスク独自の窓口です。--desk で取り込むデスクを指定してください。"))
    source_url, verified = _source(document)
    follow_up = (attributes.get("follow_up_days") or ["14"])[0]
    if not follow_up.isdigit():
        raise RowError(
            _("フォローアップまでの日数が数字ではありません: %(value)s") % {"value": follow_up}
        )
    audience = _codes(attributes, "audience") if "audience" in attributes else [Audience.ALL]
    return {
        "name": (document.get("name") or "")[:160],
        "name_en": (document.get("alternate_name") or "")[:200],
        "description": document.get("description") or document.get("name") or "",
        "url": document.get("url") or "",
        "eligibility": document.get("eligibility_description") or "",
        "is_active": document.get("status", "active") == "active",
        "last_verified": _date(document.get("assured_date")) or verified or timezone.localdate(),
        "source_url": source_url,
        "categories": _codes(attributes, "category"),
        "actions": _codes(attributes, "action"),
        "channels": _codes(attributes, "channel"),
        "audience": audience[0],
        "hours": (attributes.get("hours") or [""])[0][:200],
        "follow_up_days": int(follow_up),
        "languages": [
            language["code"]
            for language in document.get("languages") or []
            if isinstance(language.get("code"), str)
        ],
        "scope": scope,
        "prefecture": (attributes.get("prefecture") or [""])[0],
        "municipality": (attributes.get("municipality") or [""])[0],
        "desk": desk if scope == Service.Scope.DESK else None,
    }


def _snapshot(service: Service, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: getattr(service, name) for name in fields}


def _stored_details(service: Service) -> tuple[list, list]:
    phones = [(p.number, p.kind, p.hours, p.note) for p in service.phones.all()]
    schedules = [
        {
            "uuid": s.uuid,
            "weekdays": s.weekdays,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "closed_on_holidays": s.closed_on_holidays,
            "closed_year_end": s.closed_year_end,
            "note": s.note,
        }
        for s in service.schedules.all()
    ]
    return phones, schedules


def _slug(document: dict[str, Any], identifier: uuid.UUID) -> str:
    wanted = (_tsunagu_attributes(document).get("slug") or [""])[0]
    taken = Service.objects.filter(slug=wanted).exists()
    if wanted and re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", wanted) and not taken:
        return wanted
    return f"hsds-{identifier.hex[:12]}"


def _import_one(
    document: dict[str, Any], *, desk: Desk | None, dry_run: bool, report: ImportReport
) -> None:
    label = f"{document.get('id', '?')}（{document.get('name', '')}）"
    problems = service_errors(document)
    if problems:
        raise RowError(
            _("HSDS の形式に合いません: %(problems)s") % {"problems": "; ".join(problems[:3])}
        )
    identifier = uuid.UUID(document["id"])
    fields = _fields(document, desk)
    phones, schedules = _phones(document), _schedules(document)
    service = Service.objects.filter(uuid=identifier).first()
    if service is not None:
        # A list item carries only the one-to-one fields: what it leaves out stays as it is.
        for key, names in PARTS.items():
            if key not in document:
                for name in names:
                    fields.pop(name, None)
    if service is not None and service.scope == Service.Scope.NATIONAL and desk is not None:
        report.skipped.append(
            _("%(window)s: 全国の窓口はデスクへの取り込みでは変更しません。") % {"window": label}
        )
        return
    if service is not None and service.desk_id and desk is not None and service.desk_id != desk.id:
        raise RowError(_("この識別子は別のデスクの窓口に使われています。"))
    if service is None:
        service = Service(uuid=identifier, slug=_slug(document, identifier))
        changed = [_("新規")]
    else:
        before = _snapshot(service, fields)
        changed = [name for name, value in fields.items() if before[name] != value]
        stored_phones, stored_schedules = _stored_details(service)
        phones = phones if "phones" in document else stored_phones
        schedules = schedules if "schedules" in document else stored_schedules
        if (phones, schedules) != (stored_phones, stored_schedules):
            changed.append(_("電話番号・受付時間"))
        if not changed:
            report.unchanged.append(label)
            return
    organization = _organization(document, desk)
    for name, value in fields.items():
        setattr(service, name, value)
    if organization.pk is None:
        existing = Organization.objects.filter(slug=organization.slug).first()
        if existing is not None:
            organization = existing
        else:
            organization.full_clean()
    service.organization = organization
    try:
        service.full_clean(exclude=["organization"])
    except ValidationError as error:
        messages = error.message_dict.items()
        raise RowError("; ".join(f"{k}: {' '.join(v)}" for k, v in messages)) from None
    (report.created if service.pk is None else report.updated).append(
        f"{label}: {', '.join(changed)}"
    )
    if dry_run:
        return
    if organization.pk is None:
        organization.save()
        service.organization = organization
    service.save()
    service.phones.all().delete()
    for position, (number, kind, hours, note) in enumerate(phones):
        Phone.objects.create(
            service=service, number=number, kind=kind, hours=hours, note=note, position=position
        )
    service.schedules.all().delete()
    for schedule in schedules:
        Schedule.objects.create(service=service, **schedule)


@transaction.atomic
def hsds_import(
    *, documents: list[dict[str, Any]], desk: Desk | None = None, dry_run: bool = False
) -> ImportReport:
    """Create or update the feed's windows by identifier; a bad row is reported and skipped."""
    report = ImportReport(dry_run=dry_run)
    for number, document in enumerate(documents, start=1):
        if not isinstance(document, dict):
            report.errors.append(
                _("%(number)s件目: サービスの形式ではありません。") % {"number": number}
            )
            continue
        try:
            with transaction.atomic():
                _import_one(document, desk=desk, dry_run=dry_run, report=report)
        except (RowError, ValueError) as error:
            name = document.get("name", "")
            report.errors.append(
                _("%(number)s件目 %(id)s（%(name)s）: %(error)s")
                % {"number": number, "id": document.get("id", "?"), "name": name, "error": error}
            )
    return report
