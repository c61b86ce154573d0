import datetime

import pytest
from django.utils import timezone

from cases import services as case_services
from tests.stats.conftest import follow_up, make_referral, services  # noqa: F401  (fixtures)

ZONE = timezone.get_fixed_timezone(9 * 60)
CLOSED_AT = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=ZONE)
MARKER = "ZQXJ-しゅれっど-7731"


def days_after(days: int, moment: datetime.datetime = CLOSED_AT) -> datetime.datetime:
    return moment + datetime.timedelta(days=days)


@pytest.fixture
def closed_case(open_case, counsellor):
    """Return a helper: a case with a note, closed at a given time through the services."""

    def make(*, desk=None, by=counsellor, when=CLOSED_AT, categories=("defamation",), **fields):
        extra = {"desk": desk} if desk is not None else {}
        case = open_case(
            by=by,
            categories=list(categories),
            summary=f"掲示板で中傷された。{MARKER}",
            **extra,
            **fields,
        )
        case_services.note_add(case=case, by=by, body=f"経過を確認した。{MARKER}")
        return case_services.case_close(
            case=case, by=by, reason="resolved", note=f"終了。{MARKER}", now=when
        )

    return make
