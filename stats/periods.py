"""Whole-month periods: statistics never cover part of a month, so ranges cannot be subtracted."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
FISCAL_RE = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period that is malformed or empty."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> "Month":
        return cls(index // 12, index % 12 + 1)

    def shifted(self, months: int) -> "Month":
        return Month.from_index(self.index + months)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def fiscal_year(self) -> int:
        """Return the 年度: April to March, named after the year it starts in."""
        return self.year if self.month >= 4 else self.year - 1


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last`, both included."""

    first: Month
    last: Month

    def __post_init__(self):
        if self.first > self.last:
            raise PeriodError("empty")

    @property
    def months(self) -> list[Month]:
        return [Month.from_index(i) for i in range(self.first.index, self.last.index + 1)]

    @property
    def start(self) -> date:
        return self.first.first_day

    @property
    def end(self) -> date:
        """Return the first day after the period (exclusive bound)."""
        return self.last.shifted(1).first_day

    @property
    def start_datetime(self):
        return local_midnight(self.start)

    @property
    def end_datetime(self):
        return local_midnight(self.end)

    @classmethod
    def fiscal_year(cls, year: int) -> "Period":
        return cls(Month(year, 4), Month(year + 1, 3))

    @classmethod
    def last_months(cls, count: int, *, today: date) -> "Period":
        """Return the `count` completed months before the month of `today`."""
        last = Month.of(today).shifted(-1)
        return cls(last.shifted(1 - count), last)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def parse_month(text: str, *, end: bool = False) -> Month:
    """Read `YYYY-MM` (or a `YYYY-MM-DD`, snapped to its whole month)."""
    match = MONTH_RE.match(text.strip())
    if not match:
        raise PeriodError("format")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 2000:
        raise PeriodError("format")
    if match[3] is not None:
        try:
            date(year, month, int(match[3]))
        except ValueError as exc:
            raise PeriodError("format") from exc
    return Month(year, month)


def parse_fiscal_year(text: str) -> int:
    match = FISCAL_RE.match(text.strip())
    if not match or int(match[1]) < 2000:
        raise PeriodError("format")
    return int(match[1])


def clamp_to_completed(period: Period, *, today: date) -> Period:
    """Cut a period at the last completed month: the running month is never counted."""
    last_done = Month.of(today).shifted(-1)
    return Period(period.first, min(period.last, last_done))
