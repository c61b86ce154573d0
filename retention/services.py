"""Retention: shred free text and delete whole cases when a desk's policy says they are due.

The sweep works in claimed batches, each one transaction: it locks the due cases it takes
(PostgreSQL skips rows another sweep holds; SQLite's immediate transactions let one writer
in at a time), rewrites or deletes them, and stages one audit entry per case with counts,
never text, which it seals into the audit chain once the batch has committed. A sweep killed
mid-batch leaves that batch untouched; a second sweep seals what the first left staged and
finds only what it did not finish. Held cases are never taken.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, models, transaction
from django.db.models import Count, Exists, Model, OuterRef, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import supervised_desk_ids
from accounts.models import Desk, User
from audit import chain
from audit.models import AuditEntry
from audit.services import audit_record, current_origin
from cases.models import Case, Note
from catalogue.vocabulary import Category
from referrals.models import DeletionRequest, FollowUp, Referral
from retention.models import (
    DEFAULT_CASE_YEARS,
    DEFAULT_TEXT_DAYS,
    SCHOOL_BULLYING_TEXT_YEARS,
    KeptMonth,
    LegalHold,
    RetentionPolicy,
    ShreddedText,
)
from stats.rollups import month_of, open_follow_ups_refresh

logger = logging.getLogger(__name__)

SHREDDED = "text_shredded"
DELETED = "case_deleted"
HOLD_PLACED = "legal_hold_placed"
HOLD_LIFTED = "legal_hold_lifted"


@dataclass(frozen=True)
class Policy:
    """A desk's retention periods as the sweep applies them."""

    text_days: int
    case_years: int
    bullying_text_years: int | None


@dataclass
class SweepResult:
    """What one sweep did (or, in a dry run, would do)."""

    shredded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    held: int = 0
    dry_run: bool = False


def policy_for(desk: Desk, stored: RetentionPolicy | None = None) -> Policy:
    """Return the desk's periods: its own policy, or the defaults for its kind."""
    school = desk.kind == Desk.Kind.SCHOOL
    if stored is None:
        return Policy(
            DEFAULT_TEXT_DAYS, DEFAULT_CASE_YEARS, SCHOOL_BULLYING_TEXT_YEARS if school else None
        )
    bullying = stored.bullying_text_years
    if bullying is None and school:
        bullying = min(SCHOOL_BULLYING_TEXT_YEARS, stored.case_years)
    return Policy(stored.text_days, stored.case_years, bullying)


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """Return the same local time ``years`` earlier (29 February becomes the 28th)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - years)
    except ValueError:
        return local.replace(year=local.year - years, day=28)


def _held() -> Exists:
    return Exists(LegalHold.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True))


def _closed_before(desk_id: int, cutoff: datetime.datetime) -> QuerySet[Case]:
    return Case.objects.filter(
        desk_id=desk_id, status=Case.Status.CLOSED, closed_at__lte=cutoff
    ).order_by("closed_at", "id")


def _text_due(desk: Desk, policy: Policy, now: datetime.datetime) -> QuerySet[Case]:
    cases = _closed_before(desk.pk, now - datetime.timedelta(days=policy.text_days)).exclude(
        Exists(ShreddedText.objects.filter(case=OuterRef("pk")))
    )
    if policy.bullying_text_years is not None:
        longer = years_before(now, policy.bullying_text_years)
        bullying = f'"{Category.BULLYING.value}"'
        cases = cases.annotate(codes=Cast("categories", TextField())).exclude(
            codes__contains=bullying, closed_at__gt=longer
        )
    return cases


def _case_due(desk: Desk, policy: Policy, now: datetime.datetime) -> QuerySet[Case]:
    return _closed_before(desk.pk, years_before(now, policy.case_years))


def _desks() -> list[tuple[Desk, Policy]]:
    stored = {p.desk_id: p for p in RetentionPolicy.objects.all()}
    return [(desk, policy_for(desk, stored.get(desk.pk))) for desk in Desk.objects.order_by("pk")]


def _claim(cases: QuerySet[Case], size: int) -> list[dict[str, Any]]:
    """Lock up to ``size`` due cases that no held row and no other sweep keeps."""
    rows = (
        cases.filter(~_held())
        .select_for_update(skip_locked=True, of=("self",))
        .values("id", "reference", "desk_id", "created_at")[:size]
    )
    return [dict(row) for row in rows]


ACTIONS = {
    SHREDDED: AuditEntry.Action.SHRED,
    DELETED: AuditEntry.Action.PURGE,
    HOLD_PLACED: AuditEntry.Action.HOLD,
    HOLD_LIFTED: AuditEntry.Action.HOLD_LIFT,
}


def _system_audit(entries: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Stage one entry per case of a batch, in the batch's transaction: the sweep acts, nobody
    signed in.

    The entries are sealed into the chain after the batch commits (``chain.seal_staged``), a
    few at a time, so an intake's own entry never waits for a whole batch.
    """
    ip, via = current_origin()
    chain.stage(
        [
            AuditEntry(
                actor=None,
                action=ACTIONS[detail["retention"]],
                case_reference=case["reference"],
                desk_id=case["desk_id"],
                detail=detail,
                ip=ip,
                via=via,
            )
            for case, detail in entries
        ]
    )


@transaction.atomic
def text_shred_batch(*, cases: QuerySet[Case], size: int, now: datetime.datetime) -> list[str]:
    """Overwrite the free text of one batch of due cases; return their references."""
    claimed = _claim(cases, size)
    ids = [c["id"] for c in claimed]
    if not ids:
        return []
    notes = dict(
        Note.objects.filter(case_id__in=ids)
        .exclude(body="")
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    Note.objects.filter(case_id__in=ids).exclude(body="").update(body="")
    Case.objects.filter(id__in=ids).update(summary="")
    ShreddedText.objects.bulk_create(
        ShreddedText(case_id=i, shredded_at=now, notes=notes.get(i, 0)) for i in ids
    )
    _system_audit(
        [
            (
                case,
                {
                    "retention": SHREDDED,
                    "fields": ["summary", "notes"],
                    "notes": notes.get(case["id"], 0),
                },
            )
            for case in claimed
        ]
    )
    return [c["reference"] for c in claimed]


def _counts(model: type[Model], ids: list[int]) -> dict[int, int]:
    return dict(
        model._default_manager.filter(case_id__in=ids)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )


@transaction.atomic
def case_delete_batch(*, cases: QuerySet[Case], size: int) -> list[str]:
    """Delete one batch of due cases with everything they own; their months become history."""
    claimed = _claim(cases, size)
    ids = [c["id"] for c in claimed]
    if not ids:
        return []
    months = {(c["desk_id"], month_of(c["created_at"])) for c in claimed}
    for desk_id, created_at in Referral.objects.filter(case_id__in=ids).values_list(
        "case__desk_id", "created_at"
    ):
        months.add((desk_id, month_of(created_at)))
    # Sealed first, in the same transaction, so no refresh the deletion sets off recomputes them.
    KeptMonth.objects.bulk_create(
        (KeptMonth(desk_id=d, month=m) for d, m in months), ignore_conflicts=True
    )
    counts = {
        "notes": _counts(Note, ids),
        "referrals": _counts(Referral, ids),
        "follow_ups": _counts(FollowUp, ids),
        "deletion_requests": _counts(DeletionRequest, ids),
    }
    open_buckets = set(
        FollowUp.objects.open()
        .filter(case_id__in=ids)
        .values_list("case__desk_id", "due_on")
        .distinct()
    )
    _delete_rows(ids)
    open_follow_ups_refresh(buckets=open_buckets)
    entries = []
    for case in claimed:
        detail: dict[str, Any] = {"retention": DELETED}
        detail.update({name: rows.get(case["id"], 0) for name, rows in counts.items()})
        entries.append((case, detail))
    _system_audit(entries)
    return [c["reference"] for c in claimed]


def _delete_rows(ids: list[int]) -> None:
    """Delete the cases and every row that names one of them, a statement per table.

    Row by row, Django's collector would send a signal for each referral and follow-up, and
    the statistics would look at each one; their months are history by now, so the sweep
    deletes with plain statements instead. Foreign keys are checked at commit, so a row of a
    new model that names a case some other way makes the batch fail rather than dangle.
    """
    marks = ", ".join(["%s"] * len(ids))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for relation in Case._meta.related_objects:
            if relation.many_to_many:
                continue
            table = quote(relation.related_model._meta.db_table)
            column = quote(relation.field.column or relation.field.attname)
            if relation.on_delete is models.SET_NULL:
                sql = f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({marks})"
            else:
                sql = f"DELETE FROM {table} WHERE {column} IN ({marks})"
            cursor.execute(sql, ids)
        cursor.execute(f"DELETE FROM {quote(Case._meta.db_table)} WHERE id IN ({marks})", ids)


def compact_database() -> None:
    """Rewrite the SQLite file so shredded text leaves no trace in free pages or the WAL."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:
        # Another process held the database past the busy timeout; the shredding itself is
        # committed, and the next sweep that shreds compacts the file again.
        logger.warning("could not VACUUM the SQLite database after shredding", exc_info=True)


def retention_sweep(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> SweepResult:
    """Shred and delete what is due at ``now``, at most ``max_batches`` batches of each."""
    now = now or timezone.now()
    size = batch_size or settings.RETENTION_BATCH_SIZE
    bound = max_batches or settings.RETENTION_MAX_BATCHES
    result = SweepResult(dry_run=dry_run)
    desks = _desks()
    result.held = Case.objects.filter(_held(), status=Case.Status.CLOSED).count()
    if not dry_run:
        # Entries a sweep killed after a batch committed left staged.
        chain.seal_staged()
    for due, work in (
        (_case_due, lambda qs: case_delete_batch(cases=qs, size=size)),
        (_text_due, lambda qs: text_shred_batch(cases=qs, size=size, now=now)),
    ):
        done = result.deleted if due is _case_due else result.shredded
        batches = 0
        for desk, policy in desks:
            cases = due(desk, policy, now)
            if dry_run:
                done.extend(
                    cases.filter(~_held()).values_list("reference", flat=True)[: size * bound]
                )
                continue
            while batches < bound:
                taken = work(cases)
                chain.seal_staged()
                batches += 1
                done.extend(taken)
                if len(taken) < size:
                    break
    if not dry_run and (result.shredded or result.deleted):
        compact_database()
    return result


def _hold_case(*, by: User, reference: str) -> Case:
    case = Case.objects.filter(reference=reference, desk_id__in=supervised_desk_ids(by)).first()
    if case is None:
        raise ValidationError({"reference": _("この受付番号の相談記録は見つかりません。")})
    return case


@transaction.atomic
def legal_hold_place(*, by: User, reference: str, reason: str) -> LegalHold:
    """Keep a case whole (no shredding, no deletion) until the hold is lifted."""
    case = Case.objects.select_for_update().get(pk=_hold_case(by=by, reference=reference).pk)
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise ValidationError({"reference": _("この相談記録はすでに保全されています。")})
    hold = LegalHold(case=case, reason=reason, placed_by=by)
    hold.full_clean()
    hold.save()
    audit_record(
        actor=by,
        action=AuditEntry.Action.HOLD,
        case=case,
        detail={"retention": HOLD_PLACED, "reason": reason},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, by: User, hold_id: int) -> LegalHold:
    """End a hold; the case's retention runs again from its closing date."""
    hold = (
        LegalHold.objects.select_for_update()
        .select_related("case")
        .filter(pk=hold_id, lifted_at__isnull=True, case__desk_id__in=supervised_desk_ids(by))
        .first()
    )
    if hold is None:
        raise ValidationError({"hold": _("この保全は見つからないか、すでに解除されています。")})
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.HOLD_LIFT,
        case=hold.case,
        detail={"retention": HOLD_LIFTED, "reason": hold.reason},
    )
    return hold
