"""Outcomes only break ties: a property test over random suggestions and random figures."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.models import Service
from catalogue.vocabulary import Category, Flag, Situation, Wish
from referrals.outcomes import break_ties
from triage.engine import Intake, Outcomes, Suggestion, compile_ruleset, suggest_with

outcomes = st.one_of(
    st.none(),
    st.tuples(st.integers(3, 60), st.integers(0, 60))
    .filter(lambda t: t[1] >= 3 and t[0] - t[1] >= 3)
    .map(lambda t: Outcomes(referred=t[0], resolved=t[1])),
)


def _key(s: Suggestion) -> tuple[int, int]:
    """What the rules say: urgent lines first, then weight."""
    return (0 if s.urgent else 1, -s.weight)


def check_only_ties_moved(before: list[Suggestion], after: list[Suggestion]) -> None:
    assert sorted(id(s) for s in before) == sorted(id(s) for s in after)
    assert [s.rank for s in after] == list(range(1, len(after) + 1))
    # Every urgent line keeps its place, so nothing is lifted above one.
    assert [s.service for s in after if s.urgent] == [s.service for s in before if s.urgent]
    assert [i for i, s in enumerate(after) if s.urgent] == [
        i for i, s in enumerate(before) if s.urgent
    ]
    # Any two windows the rules order keep that order.
    position = {id(s): i for i, s in enumerate(after)}
    for i, first in enumerate(before):
        for second in before[i + 1 :]:
            if _key(first) != _key(second):
                assert position[id(first)] < position[id(second)]
    # A window without figures keeps its place.
    for i, s in enumerate(before):
        if s.outcomes is None:
            assert after[i] is s


@st.composite
def suggestion_lists(draw):
    n_urgent = draw(st.integers(0, 3))
    weights = sorted(draw(st.lists(st.sampled_from([55, 56, 57, 58, 59, 60]), max_size=10)))
    made = []
    for i in range(n_urgent):
        made.append((True, 100 - i))
    made += [(False, w) for w in reversed(weights)]
    return [
        Suggestion(
            rank=rank,
            urgent=urgent,
            service=Service(slug=f"w{rank}"),
            reasons=["rule"],
            weight=weight,
            outcomes=draw(outcomes),
        )
        for rank, (urgent, weight) in enumerate(made, start=1)
    ]


@given(suggestion_lists())
@settings(max_examples=500, deadline=None)
def test_outcomes_never_move_a_window_across_a_rule(suggestions):
    before = list(suggestions)
    after = break_ties(suggestions)
    check_only_ties_moved(before, after)
    # Within a tie, windows with figures are ordered by the share resolved.
    shown = [s for s in after if s.outcomes and not s.urgent]
    for a in shown:
        for b in shown:
            if _key(a) == _key(b) and after.index(a) < after.index(b):
                assert a.outcomes.share >= b.outcomes.share


@pytest.fixture(scope="module")
def ruleset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return compile_ruleset(0)


codes = st.fixed_dictionaries(
    {
        "situation": st.sampled_from(Situation.values),
        "wishes": st.frozensets(st.sampled_from(Wish.values)),
        "categories": st.frozensets(st.sampled_from(Category.values), min_size=1),
        "flags": st.frozensets(st.sampled_from(Flag.values)),
    }
)


@given(codes=codes, data=st.data())
@settings(max_examples=300, deadline=None)
def test_with_the_shipped_rules_random_figures_never_outrank_a_safety_line(ruleset, codes, data):
    result = suggest_with(ruleset, Intake(**codes))
    for s in result.suggestions:
        s.outcomes = data.draw(outcomes)
    before = list(result.suggestions)
    after = break_ties(result.suggestions)
    check_only_ties_moved(before, after)
    safety = {rule.service_id for rule in ruleset.rules if rule.urgency}
    first_other = next((i for i, s in enumerate(after) if not s.urgent), len(after))
    assert all(s.service.id in safety for s in after[:first_other] if s.urgent)
