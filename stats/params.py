"""Read and check the filters of a statistics request; every error names its field in Japanese."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import Desk
from catalogue.vocabulary import Category
from stats.periods import (
    Month,
    Period,
    PeriodError,
    clamp_to_completed,
    parse_fiscal_year,
    parse_month,
)

DIMENSIONS = ("service", "category", "desk", "month", "outcome")
DEFAULT_MONTHS = 12
# Ten years: every grouping of a longer period would still answer, but slowly.
MAX_MONTHS = 120


class StatsParamError(ValueError):
    """Bad filters: `errors` maps each field to its Japanese messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class StatsQuery:
    period: Period
    desk_ids: frozenset[int]
    group_by: tuple[str, ...] = ()
    categories: frozenset[str] = field(default_factory=frozenset)


def parse_stats_query(
    params, *, supervised: set[int], today: date, default_group_by: tuple[str, ...] = ()
) -> StatsQuery:
    """Return the query the parameters ask for, limited to the desks the user supervises."""
    errors: dict[str, list[str]] = {}
    group_by = _group_by(params.get("group_by"), errors, default_group_by)
    period = _period(params, errors, today)
    desk_ids = _desks(params.get("desk"), supervised, errors)
    categories = _categories(params.get("category"), errors)
    if errors:
        raise StatsParamError(errors)
    return StatsQuery(period=period, desk_ids=desk_ids, group_by=group_by, categories=categories)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _group_by(value, errors, default) -> tuple[str, ...]:
    names = _split(value) if value is not None else list(default)
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        errors["group_by"] = [
            _("集計の切り口「%(names)s」はありません。使えるのは %(choices)s です。")
            % {"names": "、".join(unknown), "choices": ", ".join(DIMENSIONS)}
        ]
        return ()
    if len(set(names)) != len(names):
        errors["group_by"] = [_("集計の切り口が重複しています。")]
        return ()
    return tuple(names)


def _period(params, errors, today) -> Period:
    default = Period.last_months(DEFAULT_MONTHS, today=today)
    fiscal = params.get("fiscal_year")
    if fiscal:
        try:
            return clamp_to_completed(Period.fiscal_year(parse_fiscal_year(fiscal)), today=today)
        except PeriodError:
            errors["fiscal_year"] = [
                _("年度は西暦の4桁で指定してください（例: 2025 は 2025年4月〜2026年3月）。")
            ]
            return default
    first, last = default.first, default.last
    for name in ("from", "to"):
        text = params.get(name)
        if not text:
            continue
        try:
            month = parse_month(text)
        except PeriodError:
            errors[name] = [_("月は YYYY-MM の形で指定してください（例: 2025-04）。")]
            continue
        if name == "from":
            first = month
        else:
            last = month
    if errors.get("from") or errors.get("to"):
        return default
    last = min(last, Month.of(today).shifted(-1))
    if first > last:
        errors["from"] = [
            _("集計期間が空です。開始月は終了月（集計できるのは先月まで）以前にしてください。")
        ]
        return default
    if last.index - first.index >= MAX_MONTHS:
        errors["from"] = [
            _(
                "集計期間は%(years)d年（%(months)dか月）までです。開始月を%(earliest)s以降にしてください。"
            )
            % {
                "years": MAX_MONTHS // 12,
                "months": MAX_MONTHS,
                "earliest": last.shifted(1 - MAX_MONTHS),
            }
        ]
        return default
    return Period(first, last)


def _desks(value, supervised, errors) -> frozenset[int]:
    wanted = _split(value)
    if not wanted:
        return frozenset(supervised)
    ids = {int(s) for s in wanted if _is_id(s)}
    slugs = {s for s in wanted if not _is_id(s)}
    found = dict(Desk.objects.filter(slug__in=slugs).values_list("slug", "id"))
    chosen = ids | set(found.values())
    missing = [s for s in slugs if s not in found]
    if missing or not chosen <= supervised:
        errors["desk"] = [
            _("指定したデスクの統計は見られません。担当しているデスクを指定してください。")
        ]
    return frozenset(chosen & supervised)


def _is_id(value: str) -> bool:
    # str.isdigit() also takes ² (which int() refuses) and ３ (which it reads as 3).
    return value.isascii() and value.isdigit() and len(value) <= 18


def _categories(value, errors) -> frozenset[str]:
    wanted = _split(value)
    unknown = [c for c in wanted if c not in Category.values]
    if unknown:
        errors["category"] = [
            _("内容の分類「%(codes)s」はありません。") % {"codes": "、".join(unknown)}
        ]
    elif len(wanted) > 1:
        errors["category"] = [_("内容の分類は1つだけ指定できます。")]
    return frozenset(wanted[:1]) - set(unknown)
