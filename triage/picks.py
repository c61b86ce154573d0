"""Which suggested windows the slip carries unless the counsellor chooses otherwise."""

from collections.abc import Collection

from triage.engine import SuggestionResult

SLIP_MAX_WINDOWS = 6
# The person came for these: the first non-urgent windows, e.g. the deletion windows.
NON_URGENT_PICKS = 3


def default_slip_picks(result: SuggestionResult | None, referred: Collection[str] = ()) -> set[str]:
    """Return the slugs to tick: the windows referred to, else the urgent ones and the top others."""
    if result is None:
        return set()
    picked = {s.service.slug for s in result.suggestions if s.service.slug in referred}
    if picked:
        return picked
    urgent = [s for s in result.suggestions if s.urgent]
    others = [s for s in result.suggestions if not s.urgent][:NON_URGENT_PICKS]
    return {s.service.slug for s in (urgent + others)[:SLIP_MAX_WINDOWS]}
