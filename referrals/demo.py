"""Demo referrals, deletion requests and follow-ups for the demo cases (``loaddemo``).

Older cases have concluded referrals with varied outcomes; recent ones have follow-ups that
are overdue or due this week, so the demo counsellors' weekly digest has something to say
and goes out as soon as the worker starts.
"""

import datetime
import random

from django.utils import timezone

from accounts.models import Desk, User
from cases import services as case_services
from cases.models import Case
from catalogue.models import Service
from core.workdays import next_working_day
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral

DEMO_DESKS = ("gifu-city", "gifu-hs")
WINDOWS = [
    "ihaho",
    "jinken",
    "bullying-hotline",
    "safeline",
    "houterasu",
    "police-cyber",
    "mamorouyo-kokoro",
    "consumer-188",
    "ipa-anshin",
    "lawyer",
]
OUTCOMES = [
    ("resolved", 4),
    ("content_deleted", 5),
    ("advice_received", 6),
    ("declined_by_window", 2),
    ("not_contacted", 2),
    ("unknown", 1),
]
RESULTS_BEFORE_OUTCOME = ["reached", "waiting", "not_yet"]
# Earlier intakes like the demo's deletion-and-damages case, so that its suggestion cards show
# what became of them: (window, referrals, resolved). The two windows tie in the rules.
TRACK_RECORD = [("jinken", 12, 8), ("houterasu", 10, 4)]
TRACK_SUMMARY = "掲示板での中傷について、削除と損害賠償の相談。"
TRACK_OTHERS = ["advice_received", "advice_received", "unknown", "not_contacted"]


def load(stdout) -> None:
    """Give each demo case without referrals one or two, and add the track record; idempotent."""
    _referrals(stdout)
    _track_record(stdout)


def _track_record(stdout) -> None:
    """Record concluded referrals of earlier intakes like one at gifu-city, once."""
    desk = Desk.objects.filter(slug="gifu-city").first()
    counsellor = User.objects.filter(username="demo-counsellor").first()
    if desk is None or counsellor is None:
        return
    if Case.objects.filter(desk=desk, summary=TRACK_SUMMARY).exists():
        return
    windows = {
        s.slug: s for s in Service.objects.filter(slug__in=[w for w, _n, _m in TRACK_RECORD])
    }
    now = timezone.now()
    made = 0
    for slug, referred, resolved in TRACK_RECORD:
        service = windows.get(slug)
        if service is None:
            continue
        for n in range(referred):
            opened = now - datetime.timedelta(days=70 + 9 * n + len(slug))
            case = case_services.case_open(
                desk=desk,
                opened_by=counsellor,
                situation="victim",
                wishes=["delete", "damages"],
                categories=["defamation"],
                channel="phone",
                summary=TRACK_SUMMARY,
                now=opened,
            )
            if n < resolved:
                outcome = "content_deleted" if n % 2 else "resolved"
            else:
                outcome = TRACK_OTHERS[n % len(TRACK_OTHERS)]
            concluded = opened + datetime.timedelta(days=21)
            Referral.objects.create(
                case=case,
                service=service,
                service_name=service.name,
                service_url=service.url,
                method="info_given",
                referred_by=counsellor,
                created_at=opened + datetime.timedelta(hours=1),
                status=Referral.Status.CONCLUDED,
                outcome=outcome,
                contacted_at=concluded if outcome != "not_contacted" else None,
                concluded_at=concluded,
            )
            Case.objects.filter(pk=case.pk).update(status=Case.Status.FOLLOWING_UP)
            made += 1
    if made:
        stdout.write(f"デモの過去の案内の結果 / demo track record: {made}")


def _referrals(stdout) -> None:
    """Give each demo case without referrals one or two, with their follow-ups."""
    cases = list(
        Case.objects.filter(desk__slug__in=DEMO_DESKS, referrals__isnull=True)
        .select_related("assigned_to", "desk")
        .order_by("created_at", "pk")
    )
    if not cases:
        return
    windows = {
        s.slug: s for s in Service.objects.filter(slug__in=WINDOWS).prefetch_related("phones")
    }
    platforms = list(DesignatedPlatform.objects.filter(is_active=True))
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for case in cases:
        if case.assigned_to is None:
            continue
        rng = random.Random(case.reference)
        age = (today - timezone.localdate(case.created_at)).days
        for slug in rng.sample(WINDOWS, k=rng.choice((1, 1, 2))):
            service = windows.get(slug)
            if service is not None:
                _refer(case, service, rng=rng, age=age, now=now, today=today)
                created += 1
        if platforms and rng.random() < 0.15:
            _deletion_request(case, rng.choice(platforms), rng=rng, age=age, now=now, today=today)
    if created:
        stdout.write(f"デモの案内とフォローアップ / demo referrals: {created}")


def _referral_time(case: Case, rng: random.Random) -> datetime.datetime:
    return case.created_at + datetime.timedelta(hours=rng.randint(0, 48))


def _refer(case, service, *, rng, age, now, today) -> None:
    at = min(_referral_time(case, rng), now)
    method = rng.choices(
        ["info_given", "warm_handoff", "desk_contacted", "accompanied"], weights=[10, 3, 2, 1]
    )[0]
    phone = next(iter(service.phones.all()), None)
    referral = Referral.objects.create(
        case=case,
        service=service,
        service_name=service.name,
        service_phone=phone.number if phone else "",
        service_url=service.url,
        method=method,
        consent_recorded_at=at if method != "info_given" else None,
        referred_by=case.assigned_to,
        created_at=at,
    )
    due = next_working_day(timezone.localdate(at) + datetime.timedelta(days=service.follow_up_days))
    due_on = due.day
    follow_up = FollowUp.objects.create(
        case=case,
        referral=referral,
        kind=FollowUp.Kind.REFERRAL,
        due_on=due_on,
        moved_from=due.computed if due.moved else None,
        created_at=at,
    )
    if age > 45:
        outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        done = _as_time(due_on + datetime.timedelta(days=rng.randint(0, 5)), now)
        _done(follow_up, rng.choice(RESULTS_BEFORE_OUTCOME), done, case.assigned_to)
        referral.status = Referral.Status.CONCLUDED
        referral.outcome = outcome
        referral.contacted_at = done if outcome != "not_contacted" else None
        referral.concluded_at = done
        referral.save()
        if case.status in (Case.Status.OPEN, Case.Status.REFERRED):
            Case.objects.filter(pk=case.pk).update(status=Case.Status.FOLLOWING_UP)
        return
    # Recent cases keep their follow-up open: some overdue, some due this week.
    shift = rng.choice([-20, -9, -4, -1, 0, 1, 2, 3, 5, 10, 16])
    due = next_working_day(today + datetime.timedelta(days=shift))
    follow_up.due_on = due.day
    follow_up.moved_from = due.computed if due.moved else None
    follow_up.save(update_fields=["due_on", "moved_from"])
    if rng.random() < 0.5:
        referral.status = Referral.Status.CONTACTED
        referral.contacted_at = min(at + datetime.timedelta(days=rng.randint(1, 4)), now)
        referral.save()
    if case.status == Case.Status.OPEN:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.REFERRED)


def _deletion_request(case, platform, *, rng, age, now, today) -> None:
    sent_on = min(timezone.localdate(_referral_time(case, rng)) + datetime.timedelta(days=1), today)
    request = DeletionRequest.objects.create(
        case=case,
        platform=platform,
        sent_by=rng.choice(["person", "desk"]),
        sent_on=sent_on,
        recorded_by=case.assigned_to,
        created_at=_as_time(sent_on, now),
    )
    due = next_working_day(request.decision_due_on)
    follow_up = FollowUp.objects.create(
        case=case,
        deletion_request=request,
        kind=FollowUp.Kind.PLATFORM_DEADLINE,
        due_on=due.day,
        moved_from=due.computed if due.moved else None,
        created_at=request.created_at,
    )
    if request.decision_due_on < today - datetime.timedelta(days=3):
        result = rng.choice(["platform_answered", "platform_answered", "no_answer"])
        _done(follow_up, result, _as_time(request.decision_due_on, now), case.assigned_to)


def _done(follow_up, result, at, by) -> None:
    follow_up.result = result
    follow_up.done_at = at
    follow_up.done_by = by
    follow_up.save(update_fields=["result", "done_at", "done_by"])


def _as_time(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    return min(at, now)
