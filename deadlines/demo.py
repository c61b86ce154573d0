"""Demo legal clocks on a few open demo cases (``loaddemo``): one close to warning, one just
overdue and one with its court steps marked, so the board and the digest have something to
show. Idempotent: nothing is added once a demo desk has a clock."""

import datetime

from django.utils import timezone

from cases.models import Case
from deadlines import services
from deadlines.models import ClockKind, LegalClock

DEMO_DESKS = ("gifu-city", "gifu-hs")
# (kind, days since the day that starts it, steps marked that many days after the start)
CLOCKS = [
    ("log_retention", 80, {}),
    ("log_retention", 95, {}),
    ("log_retention", 40, {"disclosure_order": 20, "erasure_prohibition_order": 21}),
    ("provision_order", 50, {}),
    ("disclosure_order", 12, {}),
]


def load(stdout) -> None:
    if LegalClock.objects.filter(case__desk__slug__in=DEMO_DESKS).exists():
        return
    cases = list(
        Case.objects.filter(desk__slug__in=DEMO_DESKS, assigned_to__isnull=False)
        .exclude(status=Case.Status.CLOSED)
        .select_related("assigned_to")
        .order_by("-created_at", "pk")[: len(CLOCKS)]
    )
    kinds = {kind.code: kind for kind in ClockKind.objects.all()}
    today = timezone.localdate()
    for case, (code, days_ago, steps) in zip(cases, CLOCKS, strict=False):
        counsellor = case.assigned_to
        assert counsellor is not None
        started_on = today - datetime.timedelta(days=days_ago)
        # A demo case may be younger than its post: the clock counts from the post, not the case.
        clock = services.clock_start(
            case=case, kind=kinds[code], started_on=started_on, by=counsellor
        )
        for step, after in steps.items():
            services.clock_step_record(
                clock=clock,
                step=step,
                done_on=started_on + datetime.timedelta(days=after),
                by=counsellor,
            )
    if cases:
        stdout.write(f"デモの法的な期限 / demo legal clocks: {min(len(cases), len(CLOCKS))}")
