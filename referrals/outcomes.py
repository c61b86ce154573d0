"""What became of earlier referrals: outcomes on the suggestions, and windows that rarely help.

A suggestion carries how the concluded referrals to its window ended for intakes like this one
(the same situation, a content category in common) at the desks the user belongs to. The
figures are statistics and are suppressed like every other: a card shows them only when no
count under the threshold can be worked out from it, alone or against any other card.

Why cards cannot be subtracted: the referrals behind a card are those whose case shares a
category with the intake, so two cards for the same window (say with ``defamation`` and with
``defamation, privacy``) differ by the referrals of cases with ``privacy`` and not
``defamation``. Asking for every set of categories would give away the referrals of each exact
set of categories a case carried (an *atom*). So a card is shown only when every atom it is
made of holds, for the referrals, the resolved ones and the others, either none or at least
the threshold: any sum or difference of cards is then a sum of such atoms, never a small
count. Only referrals concluded before the current month count, so the figures change once a
month and a day's new outcome cannot be read off as a difference either.

Outcomes only break ties: among the non-urgent windows of equal weight (which no rule
orders), those with figures shown are ordered by the share resolved; a window without
figures keeps its place, and nothing moves across weights or above an urgent line.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from referrals.models import Referral
from triage.engine import Intake, Outcomes, Suggestion, SuggestionResult

RESOLVED = (Referral.Outcome.RESOLVED, Referral.Outcome.CONTENT_DELETED)
UNREACHED = (Referral.Outcome.DECLINED_BY_WINDOW, Referral.Outcome.NOT_CONTACTED)

# Per window: the exact set of categories of a case → [referred, resolved].
Atoms = dict[int, dict[frozenset[str], list[int]]]


def counted_until(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the start of the current month: referrals concluded before it count."""
    today = timezone.localdate(now or timezone.now())
    first = datetime.datetime.combine(today.replace(day=1), datetime.time())
    return timezone.make_aware(first)


def outcome_atoms(
    *, user: Any, situation: str, service_ids: Iterable[int], now: datetime.datetime | None = None
) -> Atoms:
    """Count concluded referrals per window and exact category set, in one query."""
    service_ids = list(service_ids)
    if not service_ids or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    rows = (
        Referral.objects.filter(
            status=Referral.Status.CONCLUDED,
            concluded_at__lt=counted_until(now),
            service_id__in=service_ids,
            case__situation=situation,
            case__desk_id__in=Membership.objects.filter(user=user).values("desk_id"),
        )
        .order_by()
        .values_list("service_id", "case__categories")
        .annotate(referred=Count("id"), resolved=Count("id", filter=Q(outcome__in=RESOLVED)))
    )
    atoms: Atoms = defaultdict(dict)
    for service_id, categories, referred, resolved in rows:
        # The same set may be stored in another order: one atom all the same.
        tally = atoms[service_id].setdefault(frozenset(categories or ()), [0, 0])
        tally[0] += referred
        tally[1] += resolved
    return atoms


def _safe(count: int, threshold: int) -> bool:
    return count == 0 or count >= threshold


def visible_outcomes(
    atoms: dict[frozenset[str], list[int]], categories: frozenset[str], *, threshold: int
) -> Outcomes | None:
    """Return a window's figures for intakes with these categories, or None when suppressed."""
    if not categories:
        return None
    referred = resolved = 0
    for atom, (n, m) in atoms.items():
        if not atom & categories:
            continue
        if not (_safe(n, threshold) and _safe(m, threshold) and _safe(n - m, threshold)):
            return None
        referred += n
        resolved += m
    if min(referred, resolved, referred - resolved) < threshold:
        return None
    return Outcomes(referred=referred, resolved=resolved)


def break_ties(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """Order each run of non-urgent windows of equal weight by their figures, where shown.

    Windows with figures trade places among themselves, best share resolved first (the
    engine's order where shares are equal); a window without figures keeps its place. Each
    window whose place the figures decided says so in its reasons.
    """
    ordered = list(suggestions)
    start = 0
    while start < len(ordered):
        end = start + 1
        head = ordered[start]
        while (
            end < len(ordered)
            and not head.urgent
            and not ordered[end].urgent
            and ordered[end].weight == head.weight
        ):
            end += 1
        slots = [i for i in range(start, end) if ordered[i].outcomes is not None]
        shown = [ordered[i] for i in slots]
        if len({s.outcomes.share for s in shown if s.outcomes}) > 1:
            ranked = sorted(shown, key=lambda s: -s.outcomes.share if s.outcomes else 0)
            for slot, suggestion in zip(slots, ranked, strict=True):
                ordered[slot] = suggestion
                reason = _("同じ優先度の窓口の中では、類似の相談が解決した割合の高い順です")
                if reason not in suggestion.reasons:
                    suggestion.reasons.append(reason)
        start = end
    for rank, suggestion in enumerate(ordered, start=1):
        suggestion.rank = rank
    return ordered


def refine_with_outcomes(result: SuggestionResult, intake: Intake, user: Any) -> None:
    """Give each suggestion its figures and let them break ties; one query for all windows."""
    if not result.suggestions or not intake.categories:
        return
    threshold = settings.STATS_SUPPRESSION_THRESHOLD
    atoms = outcome_atoms(
        user=user,
        situation=intake.situation,
        service_ids={s.service.id for s in result.suggestions},
    )
    if not atoms:
        return
    for suggestion in result.suggestions:
        suggestion.outcomes = visible_outcomes(
            atoms.get(suggestion.service.id, {}), intake.categories, threshold=threshold
        )
    result.suggestions = break_ties(result.suggestions)


def windows_often_unreached(*, now: datetime.datetime | None = None) -> set[int]:
    """Return the windows whose recent referrals were often declined or never reached.

    Counted over every desk: the concluded referrals of the last ``OUTCOMES_REVIEW_DAYS``
    days, at least ``OUTCOMES_REVIEW_MIN_REFERRALS`` of them ``declined_by_window`` or
    ``not_contacted``, and those at least ``OUTCOMES_REVIEW_SHARE`` percent of all.
    """
    since = (now or timezone.now()) - datetime.timedelta(days=settings.OUTCOMES_REVIEW_DAYS)
    rows = (
        Referral.objects.filter(status=Referral.Status.CONCLUDED, concluded_at__gte=since)
        .order_by()
        .values("service_id")
        .annotate(total=Count("id"), unreached=Count("id", filter=Q(outcome__in=UNREACHED)))
        .filter(unreached__gte=settings.OUTCOMES_REVIEW_MIN_REFERRALS)
        .values_list("service_id", "total", "unreached")
    )
    share = settings.OUTCOMES_REVIEW_SHARE
    return {service_id for service_id, total, unreached in rows if unreached * 100 >= share * total}
