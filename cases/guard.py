"""The one guard every path that stores free text goes through (services, forms, API, admin).

It names what kind of personal data was found and where, never the text itself, and keeps
nothing: the caller refuses the write and the text is gone with the request. Its messages
are in the active language (Japanese unless the user chose English). Text longer than
FREE_TEXT_MAX_LENGTH is refused before any analysis, so no request can buy unbounded work.
"""

import bisect
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from cases import crisis, pii
from cases.models import FREE_TEXT_MAX_LENGTH, CrisisPrompt


class PersonalDataError(ValidationError):
    """Free text holds personal data; ``kinds`` lists what was found, in order of appearance."""

    def __init__(self, messages: dict[str, list[str]], kinds: list[str]):
        super().__init__(messages, code="personal_data")
        self.kinds = kinds

    @property
    def api_detail(self) -> dict[str, list[str]]:
        """Name the kinds found in the API's 400, beside the messages."""
        return {"pii": self.kinds}


def kind_label(kind: str) -> str:
    """Return the name of a kind of personal data in the active language."""
    return _(pii.KIND_LABELS[kind])


def describe(text: str, findings: list[pii.Finding]) -> list[str]:
    """Return one message per finding, naming its kind and place but not its text."""
    messages = []
    breaks = [match.start() for match in re.finditer("\n", text)]
    for finding in findings:
        line = bisect.bisect_left(breaks, finding.start) + 1
        line_start = breaks[line - 2] + 1 if line > 1 else 0
        column = finding.start - line_start + 1
        if breaks:
            where = _("%(line)d行目%(column)d文字目") % {"line": line, "column": column}
        else:
            where = _("%(column)d文字目") % {"column": column}
        messages.append(
            _("%(kind)sらしき記述があります（%(where)s）")
            % {"kind": kind_label(finding.kind), "where": where}
        )
    return messages


def length_errors(**fields: str) -> dict[str, list[str]]:
    """Return a message for each field longer than the free-text cap."""
    return {
        name: [
            _("%(limit)s文字以内にしてください（いまは%(length)s文字です）。")
            % {"limit": f"{FREE_TEXT_MAX_LENGTH:,}", "length": f"{len(text):,}"}
        ]
        for name, text in fields.items()
        if text and len(text) > FREE_TEXT_MAX_LENGTH
    }


def free_text_findings(text: str) -> tuple[list[str], list[str]]:
    """Return the kinds of personal data in the text and one message per finding."""
    if not text or not text.strip():
        return [], []
    if too_long := length_errors(text=text):
        raise ValidationError(too_long["text"], code="max_length")
    findings = pii.find_pii(text)
    kinds = list(dict.fromkeys(finding.kind for finding in findings))
    return kinds, describe(text, findings)


CRISIS_QUESTIONS = {
    crisis.SUICIDAL: _noop("死や自殺をほのめかす言葉があります。「%(label)s」を付けますか？"),
    crisis.IMMINENT_DANGER: _noop(
        "差し迫った危険を示す言葉があります。「%(label)s」を付けますか？"
    ),
    crisis.THREAT: _noop("脅迫を示す言葉があります。内容に「%(label)s」を付けますか？"),
}


def crisis_prompts(field: str, findings: list[crisis.Finding]) -> list[dict[str, object]]:
    """Return one prompt per code found (its first phrase), for the live check to show."""
    prompts: list[dict[str, object]] = []
    seen: set[str] = set()
    for finding in findings:
        if finding.kind in seen:
            continue
        seen.add(finding.kind)
        label = CrisisPrompt(finding.kind).label
        prompts.append(
            {
                "code": finding.kind,
                "field": crisis.FIELD_OF_KIND[finding.kind],
                "source": field,
                "start": finding.start,
                "end": finding.end,
                "label": label,
                "question": _(CRISIS_QUESTIONS[finding.kind]) % {"label": label},
            }
        )
    return prompts


def live_check(field: str, text: str) -> tuple[list[str], list[dict[str, object]]]:
    """Read the text once for both the personal-data guard and the crisis reader.

    Returns the guard's messages and the crisis prompts; nothing is kept.
    """
    if not text or not text.strip():
        return [], []
    if too_long := length_errors(text=text):
        raise ValidationError(too_long["text"], code="max_length")
    analysis = pii.analyse(text)
    findings = pii.find_pii(text, analysis=analysis)
    return describe(text, findings), crisis_prompts(
        field, crisis.find_crisis(text, analysis=analysis)
    )


def guard_free_text(**fields: str) -> None:
    """Refuse free text that holds personal data, naming each field, kind and place."""
    if too_long := length_errors(**{name: text or "" for name, text in fields.items()}):
        raise ValidationError(too_long, code="max_length")
    messages: dict[str, list[str]] = {}
    kinds: list[str] = []
    for name, text in fields.items():
        found, described = free_text_findings(text or "")
        if found:
            messages[name] = [
                *described,
                _(
                    "個人を特定できる情報は記録できません。「Aさん」「B子」などに置き換えてください。"
                ),
            ]
            kinds.extend(kind for kind in found if kind not in kinds)
    if messages:
        raise PersonalDataError(messages, kinds)
