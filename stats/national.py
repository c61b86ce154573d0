"""Map the domain's content categories onto the headings used in national reports."""

from django.utils.translation import gettext_lazy as _

# Headings follow the 違法・有害情報相談センター / 人権侵犯事件 statistics' grouping.
NATIONAL_HEADINGS = (
    ("defamation", _("名誉毀損等"), ("defamation",)),
    ("privacy", _("プライバシー侵害"), ("privacy", "image_rights", "revenge_porn")),
    ("bullying", _("いじめ"), ("bullying",)),
    ("illegal", _("違法情報"), ("drugs", "obscene", "csam")),
    ("serious_crime", _("重要犯罪密接関連情報"), ("weapons", "crime_solicitation", "threat")),
    ("suicide", _("自殺誘引等情報"), ("suicide_inducement",)),
    ("consumer", _("詐欺・消費者トラブル"), ("fraud",)),
    ("security", _("情報セキュリティ"), ("malware_access",)),
    ("other", _("その他"), ("other",)),
)

HEADING_OF = {code: key for key, _label, codes in NATIONAL_HEADINGS for code in codes}


def headings_of(categories) -> set[str]:
    """Return the national-report headings a case's categories fall under, each once."""
    return {HEADING_OF[c] for c in categories or () if c in HEADING_OF}
