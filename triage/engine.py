"""The suggestion engine: a pure function from an intake to ranked, explained windows.

Rules are compiled once per process into plain tuples and frozensets. A version stamp in
the database (bumped whenever a rule, window, phone or desk changes) tells every process —
web and worker alike — when to compile again; checking it costs one indexed query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Desk
from catalogue.models import Service
from catalogue.vocabulary import Action, Audience, Category, Flag, Situation, Wish
from triage.models import RulesetVersion, SuggestionRule

DESIGNATED_PLATFORMS = frozenset({"x", "instagram", "facebook", "youtube", "tiktok", "line"})


@dataclass(frozen=True)
class Intake:
    situation: str
    wishes: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    desk_id: int | None = None
    desk_kind: str | None = None
    platforms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcomes:
    """How concluded referrals to a window ended for intakes like this one."""

    referred: int
    resolved: int

    @property
    def share(self) -> float:
        return self.resolved / self.referred


@dataclass
class Suggestion:
    rank: int
    urgent: bool
    service: Service
    reasons: list[str]
    notes: list[str] = field(default_factory=list)
    # The highest weight of the rules that matched; windows of equal weight no rule orders.
    weight: int = 0
    # Filled in by a refiner (see register_refiner); the engine cannot read referrals.
    outcomes: Outcomes | None = None


@dataclass
class SuggestionResult:
    suggestions: list[Suggestion]
    guidance: list[str]
    version: int = 0
    # Shared by every result of one compiled ruleset, for work done once per ruleset.
    memo: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class CompiledRule:
    situations: frozenset[str]
    wishes: frozenset[str]
    or_no_wish: bool
    categories: frozenset[str]
    only_categories: bool
    or_no_category: bool
    flags: frozenset[str]
    desk_kind: str
    service_id: int | None
    urgency: int
    weight: int
    reason: str
    reason_en: str

    def matches(self, situation, wishes, categories, flags, desk_kind) -> bool:
        if self.situations and situation not in self.situations:
            return False
        if self.wishes and not (self.wishes & wishes) and not (self.or_no_wish and not wishes):
            return False
        if self.categories:
            if not categories:
                if not self.or_no_category:
                    return False
            elif self.only_categories:
                if not categories <= self.categories:
                    return False
            elif not categories & self.categories:
                return False
        if self.flags and not self.flags <= flags:
            return False
        return not (self.desk_kind and self.desk_kind != desk_kind)


@dataclass
class Ruleset:
    version: int
    rules: tuple[CompiledRule, ...]
    services: dict[int, Service]
    desk_windows: dict[int, tuple[int, ...]]
    # Local windows (prefecture, municipality, desk) and the desks allowed to be shown each.
    local_audience: dict[int, frozenset[int]]
    # Every desk's id and kind by slug; who may act for a desk is checked apart from this.
    desks: dict[str, tuple[int, str]]
    memo: dict = field(default_factory=dict)
    # Local windows that declare what they do, matched without rules (see add_local_hits).
    local_windows: tuple[LocalWindow, ...] = ()


@dataclass(frozen=True)
class LocalWindow:
    service_id: int
    area: str
    categories: frozenset[str]
    actions: frozenset[str]
    audience: str


# What a person's wish asks a window to do, and how the reason names it.
WISH_ACTIONS: dict[str, frozenset[str]] = {
    Wish.UNSURE: frozenset({Action.ADVICE}),
    Wish.EXPERT: frozenset({Action.ADVICE, Action.TECHNICAL_ADVICE}),
    Wish.DELETE: frozenset({Action.DELETION_REQUEST, Action.PROVIDER_CONTACT}),
    Wish.DAMAGES: frozenset({Action.LEGAL_AID}),
    Wish.DANGER: frozenset({Action.POLICE_REPORT, Action.INVESTIGATION}),
    Wish.REPORT: frozenset({Action.POLICE_REPORT, Action.DELETION_REQUEST}),
    Wish.TALK: frozenset({Action.EMOTIONAL_SUPPORT}),
}
WISH_PHRASES: dict[str, Promise] = {
    Wish.UNSURE: gettext_lazy("どうしたらよいかの相談"),
    Wish.EXPERT: gettext_lazy("専門的な助言"),
    Wish.DELETE: gettext_lazy("削除の相談"),
    Wish.DAMAGES: gettext_lazy("法律の相談"),
    Wish.DANGER: gettext_lazy("身の危険・被害の相談"),
    Wish.REPORT: gettext_lazy("通報の相談"),
    Wish.TALK: gettext_lazy("悩みの相談"),
}


def compile_local_windows(services: dict[int, Service]) -> tuple[LocalWindow, ...]:
    """Collect the local windows that declare an action, with the name of the area they serve."""
    local = [
        service
        for service in services.values()
        if service.scope != Service.Scope.NATIONAL and service.actions
    ]
    desk_names = dict(
        Desk.objects.filter(id__in={service.desk_id for service in local}).values_list("id", "name")
    )
    windows = []
    for service in local:
        if service.scope == Service.Scope.MUNICIPALITY:
            area = service.municipality
        elif service.scope == Service.Scope.PREFECTURE:
            area = service.prefecture
        else:
            area = desk_names.get(service.desk_id or 0, "")
        windows.append(
            LocalWindow(
                service_id=service.id,
                area=area,
                categories=frozenset(service.categories),
                actions=frozenset(service.actions),
                audience=service.audience,
            )
        )
    return tuple(windows)


def add_local_hits(
    ruleset: Ruleset, intake: Intake, wishes: frozenset[str], hits: dict[int, list]
) -> None:
    """Add the local windows of the desk's area that take the intake's content and wish.

    A match is ranked beside the national windows that do the same thing (never among the
    urgent lines) and explained as 「<area>の窓口: <what it helps with>」.
    """
    if intake.desk_id is None or not ruleset.local_windows:
        return
    if not wishes and intake.situation == Situation.WORRIES:
        wishes = frozenset({Wish.TALK.value})
    minor = Flag.MINOR in intake.flags
    for window in ruleset.local_windows:
        if intake.desk_id not in ruleset.local_audience.get(window.service_id, ()):
            continue
        if window.categories and not window.categories & intake.categories:
            continue
        if (window.audience == Audience.CHILDREN and not minor) or (
            window.audience == Audience.ADULTS and minor
        ):
            continue
        matched = [
            wish for wish in Wish.values if wish in wishes and WISH_ACTIONS[wish] & window.actions
        ]
        if not matched:
            continue
        actions = frozenset().union(*(WISH_ACTIONS[wish] for wish in matched)) & window.actions
        weight = max(
            (
                hit[2]
                for hit in hits.values()
                if not hit[1] and actions & set(ruleset.services[hit[0]].actions)
            ),
            default=0,
        )
        reasons = [
            _("%(area)sの窓口: %(help)s") % {"area": window.area, "help": WISH_PHRASES[wish]}
            for wish in matched
        ]
        hit = hits.get(window.service_id)
        if hit is None:
            hits[window.service_id] = [window.service_id, 0, weight, reasons]
            continue
        hit[2] = max(hit[2], weight)
        hit[3].extend(reason for reason in reasons if reason not in hit[3])


def _local_audience(services: dict[int, Service], desks: list[tuple]) -> dict[int, frozenset[int]]:
    """Map each local window to the desks whose staff may see it, as catalogue.selectors does."""
    audience = {}
    for service in services.values():
        if service.scope == Service.Scope.PREFECTURE:
            ids = {desk[0] for desk in desks if desk[3] == service.prefecture}
        elif service.scope == Service.Scope.MUNICIPALITY:
            ids = {desk[0] for desk in desks if desk[4] == service.municipality}
        elif service.scope == Service.Scope.DESK:
            ids = {service.desk_id}
        else:
            continue
        audience[service.id] = frozenset(ids)
    return audience


def compile_ruleset(version: int) -> Ruleset:
    """Load the active rules and windows into a ruleset."""
    desks = list(Desk.objects.values_list("id", "slug", "kind", "prefecture", "municipality"))

    services = {
        service.id: service
        for service in Service.objects.active()
        .select_related("organization")
        .prefetch_related("phones", "schedules")
    }
    desk_windows: dict[int, list[int]] = {}
    for service in services.values():
        if service.scope == Service.Scope.DESK:
            desk_windows.setdefault(service.desk_id, []).append(service.id)
    rules = []
    for rule in SuggestionRule.objects.active():
        if rule.service_id is not None and rule.service_id not in services:
            continue
        rules.append(
            CompiledRule(
                situations=frozenset(rule.situations),
                wishes=frozenset(rule.wishes),
                or_no_wish=rule.or_no_wish,
                categories=frozenset(rule.categories),
                only_categories=rule.category_mode == SuggestionRule.CategoryMode.ONLY,
                or_no_category=rule.or_no_category,
                flags=frozenset(rule.flags),
                desk_kind=rule.desk_kind,
                service_id=rule.service_id,
                urgency=rule.urgency,
                weight=rule.weight,
                reason=rule.reason,
                reason_en=rule.reason_en,
            )
        )
    return Ruleset(
        version=version,
        rules=tuple(rules),
        services=services,
        desk_windows={desk: tuple(ids) for desk, ids in desk_windows.items()},
        local_audience=_local_audience(services, desks),
        desks={slug: (desk_id, kind) for desk_id, slug, kind, *_area in desks},
        local_windows=compile_local_windows(services),
    )


_cache_lock = threading.Lock()
_cached: Ruleset | None = None


def stored_version() -> int:
    """Read the stamp with one primary-key lookup; this runs on every suggestion."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {RulesetVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def current_ruleset() -> Ruleset:
    """Return this process's compiled ruleset, compiling again if the stamp has moved."""
    global _cached
    version = stored_version()
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _cache_lock:
        if _cached is None or _cached.version != version:
            _cached = compile_ruleset(version)
        return _cached


def forget_ruleset() -> None:
    """Drop this process's compiled ruleset, e.g. when a test's database starts afresh."""
    global _cached
    with _cache_lock:
        _cached = None


def bump_version() -> None:
    """Mark every process's compiled ruleset as stale."""
    if not RulesetVersion.objects.filter(pk=1).update(version=F("version") + 1):
        RulesetVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def validate_codes(intake: Intake) -> dict[str, list[str]]:
    """Return the unknown codes of an intake by field name."""
    errors: dict[str, list[str]] = {}
    if intake.situation not in Situation.values:
        errors["situation"] = [intake.situation]
    for name, choices in (("wishes", Wish), ("categories", Category), ("flags", Flag)):
        unknown = sorted(code for code in getattr(intake, name) if code not in choices.values)
        if unknown:
            errors[name] = unknown
    return errors


def read_categories(intake: Intake) -> frozenset[str]:
    """Return the categories as the rules read them: a child's sexual image is 児童ポルノ."""
    if Flag.MINOR in intake.flags and Category.REVENGE_PORN in intake.categories:
        return intake.categories | {Category.CSAM.value}
    return intake.categories


def evaluate(ruleset: Ruleset, intake: Intake) -> list[tuple[int, int, int, list[str]]]:
    """Rank windows for an intake: (service id, urgency, weight, reasons), best first."""
    wishes = intake.wishes
    if not wishes and intake.situation == Situation.VICTIM:
        wishes = frozenset({Wish.UNSURE.value})
    categories = read_categories(intake)
    english = get_language() == "en"
    local_audience = ruleset.local_audience
    hits: dict[int, list] = {}
    for rule in ruleset.rules:
        if not rule.matches(intake.situation, wishes, categories, intake.flags, intake.desk_kind):
            continue
        targets: tuple[int, ...] = ()
        if rule.service_id is not None:
            targets = (rule.service_id,)
        elif intake.desk_id is not None:
            targets = ruleset.desk_windows.get(intake.desk_id, ())
        reason = rule.reason_en if english and rule.reason_en else rule.reason
        for service_id in targets:
            hit = hits.get(service_id)
            if hit is None:
                audience = local_audience.get(service_id)
                if audience is not None and intake.desk_id not in audience:
                    continue
                hits[service_id] = [service_id, rule.urgency, rule.weight, [reason]]
                continue
            if rule.urgency and (not hit[1] or rule.urgency < hit[1]):
                hit[1] = rule.urgency
            if rule.weight > hit[2]:
                hit[2] = rule.weight
            if reason not in hit[3]:
                hit[3].append(reason)
    add_local_hits(ruleset, intake, wishes, hits)
    ranked = sorted(hits.values(), key=lambda hit: (hit[1] or 99, -hit[2], hit[0]))
    return [
        (service_id, urgency, weight, reasons) for service_id, urgency, weight, reasons in ranked
    ]


def guidance_for(intake: Intake) -> list[str]:
    """Return the notes a counsellor should read with the suggestions."""
    notes = []
    if Flag.MINOR in intake.flags and Category.CSAM in read_categories(intake):
        notes.append(
            _(
                "18歳未満の性的な画像は児童ポルノであり、子どもに対する犯罪です。"
                "希望にかかわらず警察（サイバー犯罪相談窓口）に相談し、児童相談所（189）と削除の窓口にもつなぎます。"
                "画像を保存・転送・スクリーンショットしないよう伝え、URLを控えて通報します。"
            )
        )
    if Flag.SCHOOL_RELATED in intake.flags and Category.BULLYING in intake.categories:
        notes.append(
            _(
                "学校は、いじめにより重大な被害が生じた疑いや相当期間の欠席がある場合、"
                "いじめ重大事態（いじめ防止対策推進法第28条）として対処し報告する必要があります。"
                "ネット上のいじめの被害者は、削除について法務局に協力を求めることができます（同法第19条）。"
            )
        )
    if Wish.DELETE in intake.wishes:
        named = sorted(intake.platforms & DESIGNATED_PLATFORMS)
        notes.append(
            _(
                "情報流通プラットフォーム対処法により、指定された大規模プラットフォーム"
                "（Google、LINEヤフー、Meta、TikTok、X など）は削除の申出から7日以内に"
                "対応を判断し申出者に通知する義務があります。申出をしたら7日後に確認しましょう。"
            )
            + (" (" + ", ".join(named) + ")" if named else "")
        )
    return notes


def suggest(intake: Intake) -> SuggestionResult:
    """Return the ranked, explained windows for an intake, with the guidance notes."""
    return suggest_with(current_ruleset(), intake)


Refiner = Callable[[SuggestionResult, Intake, Any], None]
_refiners: list[Refiner] = []


def register_refiner(refiner: Refiner) -> None:
    """Let a higher layer add to the suggestions a user sees, e.g. what became of earlier ones."""
    if refiner not in _refiners:
        _refiners.append(refiner)


def suggest_for(intake: Intake, user: Any) -> SuggestionResult:
    """Return the suggestions for an intake as a user sees them, refined by every refiner."""
    result = suggest(intake)
    for refine in _refiners:
        refine(result, intake, user)
    return result


def suggest_with(ruleset: Ruleset, intake: Intake) -> SuggestionResult:
    """Return the suggestions of a given ruleset for an intake, without the version check."""
    suggestions = []
    for rank, (service_id, urgency, weight, reasons) in enumerate(
        evaluate(ruleset, intake), start=1
    ):
        service = ruleset.services[service_id]
        notes = [service.counsellor_notes] if service.counsellor_notes else []
        suggestions.append(
            Suggestion(
                rank=rank,
                urgent=bool(urgency),
                service=service,
                reasons=reasons,
                notes=notes,
                weight=weight,
            )
        )
    return SuggestionResult(
        suggestions=suggestions,
        guidance=guidance_for(intake),
        version=ruleset.version,
        memo=ruleset.memo,
    )
