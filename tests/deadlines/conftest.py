import datetime

import pytest

from deadlines import services
from deadlines.models import ClockKind
from tests.referrals.followup_factories import tokyo

# The day the tests are run "at": a working Thursday, so that clocks start in the past.
NOW = tokyo(2027, 6, 3, 10, 0)


@pytest.fixture
def kind():
    def get(code: str) -> ClockKind:
        return ClockKind.objects.get(code=code)

    return get


@pytest.fixture
def start_clock(case, counsellor, kind):
    """Start a clock on the owner's case (or another), as if today were ``NOW``'s day or ``now``."""

    def make(
        code="log_retention", started_on=datetime.date(2027, 4, 1), *, on=None, by=None, now=NOW
    ):
        return services.clock_start(
            case=on or case, kind=kind(code), started_on=started_on, by=by or counsellor, now=now
        )

    return make
