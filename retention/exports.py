"""One desk's own data, out: every case with its codes, referrals, outcomes and remaining text."""

import csv
import io
import json
import zipfile
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Desk, User
from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case, Note
from referrals.models import DeletionRequest, FollowUp, Referral
from retention.models import LegalHold, ShreddedText

CASE_FIELDS = (
    "reference", "situation", "wishes", "categories", "flags", "age_band", "consulter",
    "channel", "platforms", "summary", "status", "closure_reason", "created_at", "closed_at",
)  # fmt: skip
NOTE_FIELDS = ("case__reference", "kind", "body", "closure_reason", "created_at")
REFERRAL_FIELDS = (
    "id", "case__reference", "service__slug", "service_name", "method", "status", "outcome",
    "created_at", "contacted_at", "in_progress_at", "concluded_at",
)  # fmt: skip
FOLLOW_UP_FIELDS = (
    "case__reference", "referral_id", "kind", "due_on", "result", "done_at", "closed_because",
)  # fmt: skip
REQUEST_FIELDS = ("case__reference", "referral_id", "platform__code", "sent_by", "sent_on")


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(queryset, fields: tuple[str, ...]) -> list[dict]:
    return [
        {key.replace("__", "_"): _plain(value) for key, value in row.items()}
        for row in queryset.values(*fields).order_by(
            *(("created_at",) if "created_at" in fields else ()), "pk"
        )
    ]


def desk_data(desk: Desk) -> dict[str, list[dict]]:
    """Return the desk's cases and everything they own, as plain rows (a few queries in all)."""
    cases = Case.objects.filter(desk=desk)
    tables = {
        "cases": _rows(cases, CASE_FIELDS),
        "notes": _rows(Note.objects.filter(case__desk=desk), NOTE_FIELDS),
        "referrals": _rows(Referral.objects.filter(case__desk=desk), REFERRAL_FIELDS),
        "follow_ups": _rows(FollowUp.objects.filter(case__desk=desk), FOLLOW_UP_FIELDS),
        "deletion_requests": _rows(DeletionRequest.objects.filter(case__desk=desk), REQUEST_FIELDS),
    }
    shredded = dict(
        ShreddedText.objects.filter(case__desk=desk).values_list("case__reference", "shredded_at")
    )
    held = dict(
        LegalHold.objects.filter(case__desk=desk, lifted_at__isnull=True).values_list(
            "case__reference", "reason"
        )
    )
    for row in tables["cases"]:
        at = shredded.get(row["reference"])
        row["text_shredded_at"] = at.isoformat() if at else None
        row["legal_hold"] = held.get(row["reference"])
    return tables


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


@transaction.atomic
def desk_export(*, by: User, desk: Desk, fmt: str) -> tuple[bytes, str, str]:
    """Write one desk's data as JSON or as a zip of CSV files; return bytes, name and type."""
    tables = desk_data(desk)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        body = json.dumps(
            {"desk": desk.slug, "exported_at": timezone.now().isoformat(), **tables},
            ensure_ascii=False,
            indent=1,
        ).encode()
        name, content_type = f"{desk.slug}-{stamp}.json", "application/json"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for table, rows in tables.items():
                archive.writestr(f"{table}.csv", _csv(rows))
        body = buffer.getvalue()
        name, content_type = f"{desk.slug}-{stamp}-csv.zip", "application/zip"
    audit_record(
        actor=by,
        action=AuditEntry.Action.EXPORT,
        desk_id=desk.pk,
        detail={"desk_export": fmt, "cases": len(tables["cases"])},
    )
    return body, name, content_type
