"""Keep the statistics rollups equal to the base tables: recomputed per bucket on write.

Every save or delete of a referral, a follow-up or a case recomputes the few buckets it
touches — (desk, month) for referrals and intakes, (desk, due date) for open follow-ups —
inside the same transaction as the write, so the rollups never lag. A bulk change of
follow-ups goes through `FollowUpQuerySet.mark_done`, whose ``follow_ups_closed`` signal does
the same. Bulk loads
(bench/seed.py) skip the signals and call `rollups_rebuild`.

The rollups are the record of history: once some cases of a (desk, month) bucket have been
deleted at the end of their retention, a higher layer names that bucket through
`register_history` and its figures are final — no refresh or rebuild recomputes them.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, models, transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from cases.models import Case
from referrals.models import FollowUp, Referral
from referrals.signals import follow_ups_closed
from stats.models import (
    CategoryRollup,
    FirstFollowUpCategoryRollup,
    FirstFollowUpRollup,
    IntakeRollup,
    OpenFollowUpRollup,
    ReferralCategoryRollup,
    ReferralRollup,
)
from stats.national import HEADING_OF, headings_of

NO_CATEGORY = ""
MAX_DAYS = 366

Bucket = tuple[int, datetime.date]
# Each finder answers which of the given (desk, month) buckets are history (None: all of them).
_history_finders: dict[str, Callable[[Iterable[Bucket] | None], set[Bucket]]] = {}


def register_history(key: str, finder: Callable[[Iterable[Bucket] | None], set[Bucket]]) -> None:
    """Name the buckets whose figures are final, e.g. because their cases were deleted."""
    _history_finders[key] = finder


def history_buckets(buckets: Iterable[Bucket] | None = None) -> set[Bucket]:
    """Return which of the buckets (or of all) are history and must not be recomputed."""
    found: set[Bucket] = set()
    wanted = None if buckets is None else set(buckets)
    for finder in _history_finders.values():
        found |= finder(wanted)
    return found


def _is_history(desk_id: int, month: datetime.date) -> bool:
    return bool(_history_finders) and bool(history_buckets([(desk_id, month)]))


def month_of(moment: datetime.datetime) -> datetime.date:
    """Return the first day of the local month of an aware datetime."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the local start of the month and of the next one, as aware datetimes."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(month, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


@transaction.atomic
def referral_bucket_refresh(*, desk_id: int, month: datetime.date) -> None:
    """Recompute the referral counts of one desk in one month from the referrals."""
    if _is_history(desk_id, month):
        return
    start, end = month_bounds(month)
    referrals = Referral.objects.filter(
        case__desk_id=desk_id, created_at__gte=start, created_at__lt=end
    )
    plain: Counter = Counter()
    split: Counter = Counter()
    for service_id, outcome, categories in referrals.values_list(
        "service_id", "outcome", "case__categories"
    ):
        plain[(service_id, outcome)] += 1
        for category in set(categories or ()) or {NO_CATEGORY}:
            split[(service_id, outcome, category)] += 1
    ReferralRollup.objects.filter(desk_id=desk_id, month=month).delete()
    ReferralCategoryRollup.objects.filter(desk_id=desk_id, month=month).delete()
    ReferralRollup.objects.bulk_create(
        ReferralRollup(desk_id=desk_id, month=month, service_id=s, outcome=o, count=n)
        for (s, o), n in plain.items()
    )
    ReferralCategoryRollup.objects.bulk_create(
        ReferralCategoryRollup(
            desk_id=desk_id, month=month, service_id=s, outcome=o, category=c, count=n
        )
        for (s, o, c), n in split.items()
    )
    narrow: Counter = Counter()
    for (_s, _o, c), n in split.items():
        narrow[c] += n
    CategoryRollup.objects.filter(desk_id=desk_id, month=month).delete()
    CategoryRollup.objects.bulk_create(
        CategoryRollup(desk_id=desk_id, month=month, category=c, count=n) for c, n in narrow.items()
    )


def first_follow_up_days(cases) -> tuple[Counter, Counter]:
    """Count the given cases by whole days from intake to their first real follow-up.

    Returns the counts by days, and by (category, days) with a case once in each category.
    """
    done = Q(follow_ups__done_at__isnull=False) & ~Q(follow_ups__result__in=FollowUp.SYSTEM_RESULTS)
    rows = (
        cases.annotate(first=Min("follow_ups__done_at", filter=done))
        .filter(first__isnull=False)
        .values_list("created_at", "first", "categories")
    )
    days: Counter = Counter()
    split: Counter = Counter()
    for opened, first, categories in rows:
        span = min(max((timezone.localdate(first) - timezone.localdate(opened)).days, 0), MAX_DAYS)
        days[span] += 1
        for category in set(categories or ()) or {NO_CATEGORY}:
            split[(category, span)] += 1
    return days, split


@transaction.atomic
def follow_up_bucket_refresh(*, desk_id: int, month: datetime.date) -> None:
    """Recompute the days-to-first-follow-up histogram of one desk's intakes in one month."""
    if _is_history(desk_id, month):
        return
    start, end = month_bounds(month)
    cases = Case.objects.filter(desk_id=desk_id, created_at__gte=start, created_at__lt=end)
    days, split = first_follow_up_days(cases)
    FirstFollowUpRollup.objects.filter(desk_id=desk_id, month=month).delete()
    FirstFollowUpRollup.objects.bulk_create(
        FirstFollowUpRollup(desk_id=desk_id, month=month, days=d, count=n) for d, n in days.items()
    )
    FirstFollowUpCategoryRollup.objects.filter(desk_id=desk_id, month=month).delete()
    FirstFollowUpCategoryRollup.objects.bulk_create(
        FirstFollowUpCategoryRollup(desk_id=desk_id, month=month, category=c, days=d, count=n)
        for (c, d), n in split.items()
    )


@transaction.atomic
def intake_bucket_refresh(*, desk_id: int, month: datetime.date) -> None:
    """Recompute one desk's intakes of one month, in all and under each national heading."""
    if _is_history(desk_id, month):
        return
    start, end = month_bounds(month)
    counts: Counter = Counter()
    cases = Case.objects.filter(desk_id=desk_id, created_at__gte=start, created_at__lt=end)
    for categories in cases.values_list("categories", flat=True):
        counts[IntakeRollup.ALL] += 1
        counts.update(headings_of(categories))
    IntakeRollup.objects.filter(desk_id=desk_id, month=month).delete()
    IntakeRollup.objects.bulk_create(
        IntakeRollup(desk_id=desk_id, month=month, heading=h, count=n) for h, n in counts.items()
    )


@transaction.atomic
def open_follow_ups_refresh(*, buckets: Iterable[tuple[int, datetime.date]] | None = None) -> None:
    """Recompute the open follow-ups of the given (desk, due date) buckets, or of all."""
    rows = FollowUp.objects.open()
    stale = OpenFollowUpRollup.objects.all()
    if buckets is not None:
        buckets = set(buckets)
        if not buckets:
            return
        where, mine = Q(), Q()
        for desk_id, due_on in buckets:
            where |= Q(case__desk_id=desk_id, due_on=due_on)
            mine |= Q(desk_id=desk_id, due_on=due_on)
        rows, stale = rows.filter(where), stale.filter(mine)
    counts = rows.values_list("case__desk_id", "due_on").annotate(n=Count("id")).order_by()
    stale.delete()
    OpenFollowUpRollup.objects.bulk_create(
        (OpenFollowUpRollup(desk_id=d, due_on=due, count=n) for d, due, n in counts),
        batch_size=2000,
    )


HISTORY_ROLLUPS: tuple[type[models.Model], ...] = (
    ReferralRollup,
    ReferralCategoryRollup,
    CategoryRollup,
    FirstFollowUpRollup,
    IntakeRollup,
)


@transaction.atomic
def rollups_rebuild(*, buckets: Iterable[tuple[int, datetime.date]] | None = None) -> int:
    """Recompute every bucket (or the given ones) but history; return how many were recomputed."""
    kept = history_buckets(buckets)
    saved = _history_rows(kept)
    if buckets is None and connection.vendor == "postgresql":
        count = _rebuild_in_sql()
    else:
        count = _rebuild(buckets=buckets)
    _history_restore(kept, saved)
    return count


def _bucket_filter(kept: set[Bucket]) -> Q:
    where = Q(pk__in=[])
    for desk_id, month in kept:
        where |= Q(desk_id=desk_id, month=month)
    return where


def _history_rows(kept: set[Bucket]) -> dict[type[models.Model], list]:
    """Copy the rows of the history buckets, to put back what a rebuild recomputed."""
    if not kept:
        return {}
    where = _bucket_filter(kept)
    return {model: list(model._default_manager.filter(where).values()) for model in HISTORY_ROLLUPS}


def _history_restore(kept: set[Bucket], saved: dict[type[models.Model], list]) -> None:
    if not kept:
        return
    where = _bucket_filter(kept)
    for model, rows in saved.items():
        model._default_manager.filter(where).delete()
        model._default_manager.bulk_create(
            (model(**{k: v for k, v in row.items() if k != "id"}) for row in rows),
            batch_size=2000,
        )


def _rebuild(*, buckets: Iterable[tuple[int, datetime.date]] | None) -> int:
    if buckets is None:
        found = set()
        for desk_id, created_at in Case.objects.values_list("desk_id", "created_at").iterator(
            chunk_size=20000
        ):
            found.add((desk_id, month_of(created_at)))
        for desk_id, created_at in Referral.objects.values_list(
            "case__desk_id", "created_at"
        ).iterator(chunk_size=20000):
            found.add((desk_id, month_of(created_at)))
        found |= set(ReferralRollup.objects.values_list("desk_id", "month").distinct())
        found |= set(FirstFollowUpRollup.objects.values_list("desk_id", "month").distinct())
        found |= set(IntakeRollup.objects.values_list("desk_id", "month").distinct())
        buckets = found
        open_follow_ups_refresh()
    buckets = sorted(set(buckets))
    for desk_id, month in buckets:
        referral_bucket_refresh(desk_id=desk_id, month=month)
        follow_up_bucket_refresh(desk_id=desk_id, month=month)
        intake_bucket_refresh(desk_id=desk_id, month=month)
    return len(buckets)


def _rebuild_in_sql() -> int:
    """Rebuild every rollup with a few set-based statements (PostgreSQL, for bulk loads)."""
    zone = timezone.get_current_timezone_name()
    tables = {
        "case": Case._meta.db_table,
        "referral": Referral._meta.db_table,
        "followup": FollowUp._meta.db_table,
        "plain": ReferralRollup._meta.db_table,
        "split": ReferralCategoryRollup._meta.db_table,
        "first": FirstFollowUpRollup._meta.db_table,
        "first_split": FirstFollowUpCategoryRollup._meta.db_table,
        "narrow": CategoryRollup._meta.db_table,
        "open": OpenFollowUpRollup._meta.db_table,
        "intake": IntakeRollup._meta.db_table,
    }
    month = "date_trunc('month', {col} AT TIME ZONE %(zone)s)::date"
    local_day = "({col} AT TIME ZONE %(zone)s)::date"
    params: dict[str, str | int | list[str]] = {
        "zone": zone,
        "system": list(FollowUp.SYSTEM_RESULTS),
        "max_days": MAX_DAYS,
        "all": IntakeRollup.ALL,
        "categories": list(HEADING_OF),
        "headings": list(HEADING_OF.values()),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for name in ("plain", "split", "first", "first_split", "narrow", "open", "intake"):
            cursor.execute(f"DELETE FROM {tables[name]}")
        cursor.execute(
            f"""INSERT INTO {tables["plain"]} (desk_id, month, service_id, outcome, count)
            SELECT c.desk_id, {month.format(col="r.created_at")}, r.service_id, r.outcome, count(*)
            FROM {tables["referral"]} r JOIN {tables["case"]} c ON c.id = r.case_id
            GROUP BY 1, 2, 3, 4""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {tables["split"]}
                (desk_id, month, service_id, outcome, category, count)
            SELECT c.desk_id, {month.format(col="r.created_at")}, r.service_id, r.outcome,
                   cat.category, count(*)
            FROM {tables["referral"]} r JOIN {tables["case"]} c ON c.id = r.case_id
            CROSS JOIN LATERAL (
                SELECT DISTINCT value AS category FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_array_length(c.categories) = 0 THEN '[""]'::jsonb
                    ELSE c.categories END)
            ) cat
            GROUP BY 1, 2, 3, 4, 5""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {tables["narrow"]} (desk_id, month, category, count)
            SELECT desk_id, month, category, sum(count) FROM {tables["split"]}
            GROUP BY 1, 2, 3"""
        )
        cursor.execute(
            f"""INSERT INTO {tables["first"]} (desk_id, month, days, count)
            SELECT c.desk_id, {month.format(col="c.created_at")},
                   LEAST(GREATEST({local_day.format(col="f.first")}
                                  - {local_day.format(col="c.created_at")}, 0), %(max_days)s),
                   count(*)
            FROM {tables["case"]} c JOIN (
                SELECT case_id, min(done_at) AS first FROM {tables["followup"]}
                WHERE done_at IS NOT NULL AND NOT (result = ANY(%(system)s))
                GROUP BY case_id
            ) f ON f.case_id = c.id
            GROUP BY 1, 2, 3""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {tables["first_split"]} (desk_id, month, category, days, count)
            SELECT c.desk_id, {month.format(col="c.created_at")}, cat.category,
                   LEAST(GREATEST({local_day.format(col="f.first")}
                                  - {local_day.format(col="c.created_at")}, 0), %(max_days)s),
                   count(*)
            FROM {tables["case"]} c JOIN (
                SELECT case_id, min(done_at) AS first FROM {tables["followup"]}
                WHERE done_at IS NOT NULL AND NOT (result = ANY(%(system)s))
                GROUP BY case_id
            ) f ON f.case_id = c.id
            CROSS JOIN LATERAL (
                SELECT DISTINCT value AS category FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_array_length(c.categories) = 0 THEN '[""]'::jsonb
                    ELSE c.categories END)
            ) cat
            GROUP BY 1, 2, 3, 4""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {tables["open"]} (desk_id, due_on, count)
            SELECT c.desk_id, f.due_on, count(*)
            FROM {tables["followup"]} f JOIN {tables["case"]} c ON c.id = f.case_id
            WHERE f.done_at IS NULL
            GROUP BY 1, 2"""
        )
        cursor.execute(
            f"""INSERT INTO {tables["intake"]} (desk_id, month, heading, count)
            SELECT c.desk_id, {month.format(col="c.created_at")}, %(all)s, count(*)
            FROM {tables["case"]} c GROUP BY 1, 2
            UNION ALL
            SELECT c.desk_id, {month.format(col="c.created_at")}, h.heading, count(*)
            FROM {tables["case"]} c CROSS JOIN LATERAL (
                SELECT DISTINCT m.heading
                FROM jsonb_array_elements_text(c.categories) cat(category)
                JOIN unnest(%(categories)s::text[], %(headings)s::text[]) m(category, heading)
                    ON m.category = cat.category
            ) h
            GROUP BY 1, 2, 3""",
            params,
        )
        cursor.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT desk_id, month FROM {tables['plain']}) b"
        )
        return cursor.fetchone()[0]


def _referral_saved(sender, instance: Referral, **kwargs) -> None:
    desk_id = Case.objects.filter(id=instance.case_id).values_list("desk_id", flat=True).first()
    if desk_id is not None:
        referral_bucket_refresh(desk_id=desk_id, month=month_of(instance.created_at))


def _follow_up_loaded(sender, instance: FollowUp, **kwargs) -> None:
    instance._stats_due_on = instance.due_on


def _follow_up_saved(sender, instance: FollowUp, **kwargs) -> None:
    case = Case.objects.filter(id=instance.case_id).values("desk_id", "created_at").first()
    if case is None:
        return
    desk_id = case["desk_id"]
    follow_up_bucket_refresh(desk_id=desk_id, month=month_of(case["created_at"]))
    due_dates = {
        due_on
        for due_on in (instance.due_on, getattr(instance, "_stats_due_on", None))
        if due_on is not None
    }
    open_follow_ups_refresh(buckets={(desk_id, due_on) for due_on in due_dates})
    instance._stats_due_on = instance.due_on


def _case_loaded(sender, instance: Case, **kwargs) -> None:
    instance._stats_seen = (instance.desk_id, tuple(sorted(instance.categories or ())))


def _case_saved(sender, instance: Case, created: bool = False, **kwargs) -> None:
    now = (instance.desk_id, tuple(sorted(instance.categories or ())))
    before = getattr(instance, "_stats_seen", None)
    instance._stats_seen = now
    if before == now and not created:
        return
    desks = {now[0]} | ({before[0]} if before else set())
    opened = month_of(instance.created_at)
    for desk_id in desks:
        intake_bucket_refresh(desk_id=desk_id, month=opened)
    if created:
        return
    months = {month_of(at) for at in instance.referrals.values_list("created_at", flat=True)}
    due_dates = set(instance.follow_ups.open().values_list("due_on", flat=True))
    for desk_id in desks:
        for month in months:
            referral_bucket_refresh(desk_id=desk_id, month=month)
        follow_up_bucket_refresh(desk_id=desk_id, month=opened)
    open_follow_ups_refresh(buckets={(d, due) for d in desks for due in due_dates})


def _case_deleted(sender, instance: Case, **kwargs) -> None:
    intake_bucket_refresh(desk_id=instance.desk_id, month=month_of(instance.created_at))


def _follow_ups_closed(sender, buckets, **kwargs) -> None:
    open_follow_ups_refresh(buckets=buckets)


def connect() -> None:
    """Recompute the touched buckets whenever referrals, follow-ups or case categories change."""
    follow_ups_closed.connect(_follow_ups_closed, dispatch_uid="stats-followups-closed")
    post_save.connect(_referral_saved, sender=Referral, dispatch_uid="stats-referral-save")
    post_delete.connect(_referral_saved, sender=Referral, dispatch_uid="stats-referral-del")
    post_save.connect(_follow_up_saved, sender=FollowUp, dispatch_uid="stats-followup-save")
    post_delete.connect(_follow_up_saved, sender=FollowUp, dispatch_uid="stats-followup-del")
    post_init.connect(_follow_up_loaded, sender=FollowUp, dispatch_uid="stats-followup-init")
    post_init.connect(_case_loaded, sender=Case, dispatch_uid="stats-case-init")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="stats-case-save")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid="stats-case-del")
