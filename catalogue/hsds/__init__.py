"""The catalogue in Open Referral's Human Services Data Specification (HSDS) 3.0, out and in.

Tsunagu's own codes (categories, actions, channels, audience, area, free-text hours) travel as
HSDS attributes of one taxonomy, ``tsunagu``, so that a feed read back gives the same windows.
"""

import uuid

from catalogue.seed import IDENTIFIER_NAMESPACE

TAXONOMY = "tsunagu"

# Attribute kinds: each becomes one taxonomy term; an attribute's value holds the code or text.
TERMS = {
    "category": "扱う内容",
    "action": "対応",
    "channel": "相談方法",
    "audience": "対象",
    "scope": "範囲",
    "prefecture": "都道府県",
    "municipality": "市区町村",
    "desk": "デスク",
    "hours": "受付時間",
    "follow_up_days": "フォローアップまでの日数",
    "slug": "識別子",
}

SOURCE_FIELD = "source_url"
VERIFIED_ACTION = "verified"


def derived_id(*parts: object) -> str:
    """Return a stable identifier for a record that Tsunagu keeps without one of its own."""
    return str(uuid.uuid5(IDENTIFIER_NAMESPACE, ":".join(str(part) for part in parts)))


def term_id(kind: str) -> str:
    return derived_id("term", TAXONOMY, kind)
