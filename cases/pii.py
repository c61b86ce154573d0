"""Find personal data that the free text of an anonymised intake must never hold.

Pure Python so that forms, the API, services and scripts share one guard. Text is
normalised (NFKC, dash look-alikes between digits) before matching, and every finding
carries offsets into the text as given. Callers decide what to do with findings; nothing
here stores or logs the text.

Names are read by where they stand more than by what they are: a word in a person's place
(opening a clause before a person's act, the object of one, before a title, in a cleft or a
role, beside a school year, named as what someone calls themselves) counts as a name unless
SudachiPy's dictionary reads it as a pronoun, an adverb or a thing. Text typed a character at
a time with spaces between is read together before the check.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a label for translation without importing Django; cases.guard translates it."""
    return message


# Japanese is the source text; the guard's messages show these translated.
KIND_LABELS: dict[str, str] = {
    "person_name": gettext_noop("氏名"),
    "phone": gettext_noop("電話番号"),
    "email": gettext_noop("メールアドレス"),
    "my_number": gettext_noop("マイナンバー"),
    "postal_code": gettext_noop("郵便番号"),
    "address": gettext_noop("住所"),
    "url": gettext_noop("URL"),
    "sns_id": gettext_noop("SNSのID"),
    "birth_date": gettext_noop("生年月日"),
    "school_class": gettext_noop("学校名・学年・組"),
}


@dataclass(frozen=True)
class PublicEntries:
    """What the catalogue publishes and so leads to no one: its windows' numbers, sites, names."""

    phone_numbers: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    @cached_property
    def names_pattern(self) -> re.Pattern[str] | None:
        names = sorted(
            {_nfkc(name) for name in self.names if len(name) >= 2}, key=len, reverse=True
        )
        return re.compile("|".join(map(re.escape, names))) if names else None


# The catalogue lives in the database, which this module does not know: cases.public
# registers a provider that reads it. Its answer is kept for PUBLIC_ENTRIES_MAX_AGE seconds
# or until invalidate_public_entries() (called when the catalogue changes).
PUBLIC_ENTRIES_MAX_AGE = 300.0
_public_provider: Callable[[], PublicEntries] | None = None
_public_cache: tuple[float, PublicEntries] | None = None
_public_lock = threading.Lock()


def register_public_entries(provider: Callable[[], PublicEntries] | None) -> None:
    """Set the function that reads the catalogue's public entries, and forget the old answer."""
    global _public_provider
    _public_provider = provider
    invalidate_public_entries()


def invalidate_public_entries() -> None:
    """Forget the catalogue's public entries, so the next check reads them again."""
    global _public_cache
    with _public_lock:
        _public_cache = None


def public_entries() -> PublicEntries:
    """Return the catalogue's public entries, read at most once per PUBLIC_ENTRIES_MAX_AGE."""
    global _public_cache
    cached = _public_cache
    now = time.monotonic()
    if cached is not None and now - cached[0] < PUBLIC_ENTRIES_MAX_AGE:
        return cached[1]
    entries = _public_provider() if _public_provider is not None else PublicEntries()
    with _public_lock:
        _public_cache = (now, entries)
    return entries


# A platform's bare address names the platform, not a person; any path may.
PLATFORM_HOSTS: frozenset[str] = frozenset(
    {
        "x.com",
        "twitter.com",
        "instagram.com",
        "facebook.com",
        "tiktok.com",
        "youtube.com",
        "line.me",
        "discord.com",
        "threads.net",
    }
)

# When spans of different kinds overlap, the earlier kind wins.
_PRIORITY = (
    "email",
    "url",
    "my_number",
    "phone",
    "postal_code",
    "birth_date",
    "school_class",
    "address",
    "sns_id",
    "person_name",
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Analysis:
    """One reading of a text that every reader shares: normalised once, tokenised once."""

    text: str
    normalised: _Normalised
    tokens: list[_Token]

    @property
    def norm(self) -> str:
        return self.normalised.text

    @cached_property
    def token_starts(self) -> frozenset[int]:
        return frozenset(token.start for token in self.tokens)


def analyse(text: str, *, morphology: bool = True) -> Analysis:
    """Normalise text and tokenise it with SudachiPy (unless morphology is False), once."""
    normalised = _Normalised.of(text)
    tokens = _tokens(normalised.text) if morphology and text else []
    return Analysis(text, normalised, tokens)


def find_pii(
    text: str, *, morphology: bool = True, analysis: Analysis | None = None
) -> list[Finding]:
    """Return the personal data found in text, sorted; morphology=False skips SudachiPy.

    Pass the analysis that cases.crisis also reads, so that the text is read once.
    """
    if not text:
        return []
    if analysis is None:
        analysis = analyse(text, morphology=morphology)
    normalised = analysis.normalised
    norm = normalised.text
    tokens = analysis.tokens
    public = public_entries()
    candidates: dict[str, list[tuple[int, int]]] = {
        "email": _emails(norm),
        "url": _urls(norm, public),
        "my_number": _my_numbers(norm),
        "phone": _phones(norm, public),
        "postal_code": _postal_codes(norm),
        "birth_date": _birth_dates(norm),
        "school_class": _school_classes(norm),
        "address": _addresses(norm),
        "sns_id": _sns_ids(norm),
    }
    candidates["person_name"] = _person_names(norm, tokens)
    candidates["school_class"] += _classes_of_named_people(norm, candidates["person_name"])
    # The catalogue's own windows and organisations are public: nothing inside one is found.
    masked = (
        [match.span() for match in public.names_pattern.finditer(norm)]
        if public.names_pattern is not None
        else []
    )

    taken: list[tuple[int, int]] = []
    findings = []
    for kind in _PRIORITY:
        for start, end in candidates[kind]:
            if any(start < mask_end and mask_start < end for mask_start, mask_end in masked):
                continue
            # taken holds disjoint spans in order: only the neighbours can overlap.
            index = bisect.bisect_left(taken, (start, end))
            neighbours = taken[max(0, index - 1) : index + 1]
            if any(
                start < other_end and other_start < end for other_start, other_end in neighbours
            ):
                continue
            taken.insert(index, (start, end))
            findings.append(Finding(kind, *normalised.original_span(start, end)))
    return sorted(findings, key=lambda finding: (finding.start, finding.end))


def is_valid_my_number(digits: str) -> bool:
    """Return whether twelve digits carry a valid My Number check digit."""
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return False
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(digits[:11], weights, strict=True)) % 11
    )
    check = 0 if remainder <= 1 else 11 - remainder
    return int(digits[11]) == check


# Normalisation


_VOICING_MARKS = "\u3099\u309a\uff9e\uff9f"
_MAX_COMBINING = 30
_DASHES = frozenset(
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2500\u2501\u30fc\ufe58\u30fb~\u301c"
)
# Characters that show nothing, written inside a number or an address to slip past a filter.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c"
    "\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff\u3164\uffa0"
)
# Cyrillic and Greek letters that look like Latin ones (а, о, е, р, с …), read as Latin.
_LOOK_ALIKES = str.maketrans(
    "АВЕКМНОРСТХУаеорсухіјԁԛѕԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιοκνρτυχ",
    "ABEKMHOPCTXYaeopcyxijdqswABEZHIKMNOPTYXaiokvptux",
)
_KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_DASH_BETWEEN_DIGITS = re.compile(
    "(?<=[0-9])[\u2010-\u2015\u2212\u2500\u2501\u30fc\ufe58~\u301c](?=[0-9])"
)
_NUMERAL = "0-9〇零一二三四五六七八九"
_NUMERAL_SEPARATOR = "\\- \u2010-\u2015\u2212\u2500\u2501\u30fc\u30fb~\u301c()のノ"
# A run of seven or more numerals written out one by one (〇九〇ー一二三四…) is a number.
_NUMERAL_RUN = re.compile(
    f"[{_NUMERAL}](?:[{_NUMERAL_SEPARATOR}]?[{_NUMERAL}]){{6,40}}(?![{_NUMERAL}])"
)
_SPELLED_SEPARATOR = re.compile(
    r"(?<=[0-9])\s?[(\[【]?(?:ハイフン|はいふん|ダッシュ|だっしゅ|マイナス|の|ノ)[)\]】]?\s?(?=[0-9])"
)
_AT_WORDS = r"アットマーク|アット|あっとまーく|あっと"
# yuki.h(あっと)docomo.ne.jp, momo_chan[アット]example.jp, ayaka★gmail.com.
_SPELLED_AT = re.compile(
    r"(?<=[A-Za-z0-9_.\-])\s?(?:[\[({<【]\s?(?:at|"
    + _AT_WORDS
    + r")\s?[\])}>】]|"
    + _AT_WORDS
    + ")"
    r"\s?(?=[A-Za-z0-9])"
    r"|(?<=[A-Za-z0-9_.\-])[★☆●◎■◆※#](?=[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"
    r"|(?<![A-Za-z0-9])(?:アットマーク|あっとまーく)\s?(?=[A-Za-z0-9_])",
    re.IGNORECASE,
)
# A defanged address (hxxps://x[.]com) is read as the address it stands for.
_DEFANGED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\[\.\](?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\(\.\)(?=[A-Za-z0-9])"
)
_DEFANGED_SCHEME = re.compile(r"\bh(?:xx|\*\*|XX)p(s?)(?=(?:\[:\]|:)//)")
_DEFANGED_COLON = re.compile(r"(?<=http)\[:\](?=//)|(?<=https)\[:\](?=//)")
# Numbers spelled out in kana, one digit a word (ゼロキューゼロ, いちにさんよん), as people
# read a number aloud; seven words or more with three of them longer than one kana.
_KANA_DIGIT_WORDS = {
    "0": "ゼロ ぜろ れい レイ まる マル",
    "1": "いち イチ",
    "2": "にー ニー に ニ",
    "3": "さん サン",
    "4": "よん ヨン し シ",
    "5": "ごー ゴー ご ゴ",
    "6": "ろく ロク",
    "7": "なな ナナ しち シチ",
    "8": "はち ハチ",
    "9": "きゅう キュウ きゅー キュー く ク",
}
_KANA_DIGIT = {word: digit for digit, words in _KANA_DIGIT_WORDS.items() for word in words.split()}
_DIGIT_WORD = "|".join(
    sorted([*_KANA_DIGIT, *"0123456789〇一二三四五六七八九"], key=len, reverse=True)
)
_DIGIT_WORD_PATTERN = re.compile(_DIGIT_WORD)
# Six or more single characters of an address or a number, each followed by one space.
_SPACED_OUT = re.compile(r"(?<!\S)(?:[A-Za-z0-9@.:/_〒\-] ){5,}[A-Za-z0-9@.:/_\-](?!\S)")
_DIGIT_WORD_SEPARATOR = r"(?:\s?(?:ハイフン|はいふん|の|ノ|-|・|、|,)?\s?)"
_SPOKEN_NUMBER = re.compile(
    f"(?:{_DIGIT_WORD})(?:{_DIGIT_WORD_SEPARATOR}(?:{_DIGIT_WORD})){{6,40}}"
)
# A kanji number before 年, 月 or 日 (平成二十一年五月八日), or in an address (梅田三ー二ー一).
_KANJI_NUMBER = "[一二三四五六七八九]?十[一二三四五六七八九]?|[〇一二三四五六七八九]{1,4}"
_KANJI_DATE_NUMBER = re.compile(f"(?<![〇一二三四五六七八九十])({_KANJI_NUMBER})(?=年|月|日)")
_KANJI_ADDRESS_NUMBERS = re.compile(
    "(?<=[\u3400-\u9fff])(?<![〇一二三四五六七八九十])"
    f"({_KANJI_NUMBER})(?:[ー\\-‐−]({_KANJI_NUMBER})){{1,2}}"
    f"(?![〇一二三四五六七八九十])"
)


def _kanji_number_value(number: str) -> str:
    """Read a kanji number as digits: 二十一 → 21, 三〇〇八 → 3008."""
    if "十" not in number:
        return number.translate(_KANJI_DIGITS)
    tens, _, ones = number.partition("十")
    return str(
        int((tens or "一").translate(_KANJI_DIGITS)) * 10
        + int((ones or "0").translate(_KANJI_DIGITS))
    )


_SPELLED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s?(?:\[\s?dot\s?\]|\(\s?dot\s?\)|\{\s?dot\s?\}|<dot>|ドット|どっと)\s?"
    r"(?=[A-Za-z0-9])",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def _nfkc(piece: str) -> str:
    return unicodedata.normalize("NFKC", piece)


@lru_cache(maxsize=8192)
def _normalise_piece(piece: str) -> str:
    """NFKC, with look-alike letters read as Latin and invisible characters dropped."""
    normalised = _nfkc(piece).translate(_LOOK_ALIKES)
    return "".join(char for char in normalised if char not in _INVISIBLE)


@dataclass(frozen=True)
class _Normalised:
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Normalised:
        """Normalise text, remembering which original characters each character came from.

        NFKC (full-width to half-width), invisible characters dropped, look-alike letters read
        as Latin, numerals written in kanji read as digits, dashes and spelled-out separators
        between digits read as "-", and spelled-out "at" and "dot" read as "@" and ".".
        """
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i, length = 0, len(text)
        while i < length:
            if text[i] in _INVISIBLE:
                i += 1
                continue
            j = i + 1
            # A base character and its combining marks normalise together (ｶﾞ → ガ), up to
            # Unicode's stream-safe limit: NFKC reorders a run of marks in quadratic time.
            while (
                j < length
                and j - i <= _MAX_COMBINING
                and (text[j] in _VOICING_MARKS or unicodedata.combining(text[j]))
            ):
                j += 1
            piece = _normalise_piece(text[i:j])
            if len(piece) == 1:
                chars.append(piece)
                starts.append(i)
                ends.append(j)
            else:
                chars.extend(piece)
                starts.extend([i] * len(piece))
                ends.extend([j] * len(piece))
            i = j
        joined = "".join(chars)
        for run in _NUMERAL_RUN.finditer(joined):
            value = run.group()
            if value.translate(_KANJI_DIGITS) != value and value.strip("〇") != "":
                for k in range(run.start(), run.end()):
                    chars[k] = chars[k].translate(_KANJI_DIGITS)
        for k in range(1, len(chars) - 1):
            if chars[k] in _DASHES and chars[k - 1].isdigit() and chars[k + 1].isdigit():
                chars[k] = "-"
        normalised = cls("".join(chars), tuple(starts), tuple(ends))._join_spaced_out()
        normalised = normalised._read_numbers()
        for pattern, replacement in (
            (_SPELLED_SEPARATOR, "-"),
            (_SPELLED_AT, "@"),
            (_SPELLED_DOT, "."),
            (_DEFANGED_DOT, "."),
            (_DEFANGED_COLON, ":"),
        ):
            normalised = normalised._rewrite(pattern, replacement)
        return normalised

    def _join_spaced_out(self) -> _Normalised:
        """Read text typed a character at a time with spaces between (s a y a . k 0 3 @ …)."""
        edits = [
            (position, position + 1, "")
            for run in _SPACED_OUT.finditer(self.text)
            for position in range(run.start(), run.end())
            if self.text[position] == " "
        ]
        return self._edit(edits) if edits else self

    def _read_numbers(self) -> _Normalised:
        """Read numbers spelled in kana or written as kanji numbers as digits."""
        edits: list[tuple[int, int, str]] = []
        for run in _SPOKEN_NUMBER.finditer(self.text):
            words = list(_DIGIT_WORD_PATTERN.finditer(self.text, run.start(), run.end()))
            # A one-kana word at either end is more likely a particle (…三四五に掛けて).
            while words and len(words[-1].group()) == 1 and words[-1].group() in _KANA_DIGIT:
                words.pop()
            while words and len(words[0].group()) == 1 and words[0].group() in _KANA_DIGIT:
                words.pop(0)
            kana = [word.group() for word in words if word.group() in _KANA_DIGIT]
            # ゼロ3の5812の4437: one kana word of two or more among digits is enough.
            if sum(len(word) > 1 for word in kana) < 3 and not (
                kana and all(len(word) > 1 for word in kana) and len(words) - len(kana) >= 6
            ):
                continue
            edits.extend(
                (
                    word.start(),
                    word.end(),
                    _KANA_DIGIT.get(word.group(), word.group().translate(_KANJI_DIGITS)),
                )
                for word in words
                if not word.group().isascii()
            )
            # ゼロキューゼロ、イチニーサンヨン: a comma read aloud between groups is a dash.
            base = words[0].start()
            edits.extend(
                (base + comma.start(), base + comma.end(), "-")
                for comma in re.finditer("[、,]", self.text[base : words[-1].end()])
            )
        for match in _KANJI_DATE_NUMBER.finditer(self.text):
            edits.append((match.start(1), match.end(1), _kanji_number_value(match.group(1))))
        for match in _KANJI_ADDRESS_NUMBERS.finditer(self.text):
            for number in re.finditer("[〇一二三四五六七八九十]+", match.group()):
                edits.append(
                    (
                        match.start() + number.start(),
                        match.start() + number.end(),
                        _kanji_number_value(number.group()),
                    )
                )
        for match in _DEFANGED_SCHEME.finditer(self.text):
            edits.append((match.start(), match.end(), "http" + match.group(1)))
        if not edits:
            return self
        edited = self._edit(sorted(set(edits)))
        return edited._rewrite(_DASH_BETWEEN_DIGITS, "-")

    def _edit(self, edits: list[tuple[int, int, str]]) -> _Normalised:
        """Replace spans by text; each new character stands for all of the span's characters."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for start, end, replacement in edits:
            if start < position:
                continue
            chars.extend(self.text[position:start])
            starts.extend(self.starts[position:start])
            ends.extend(self.ends[position:start])
            chars.extend(replacement)
            starts.extend([self.starts[start]] * len(replacement))
            ends.extend([self.ends[end - 1]] * len(replacement))
            position = end
        chars.extend(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return _Normalised("".join(chars), tuple(starts), tuple(ends))

    def _rewrite(self, pattern: re.Pattern[str], replacement: str) -> _Normalised:
        """Replace every match by one character that stands for all the characters it was."""
        if not pattern.search(self.text):
            return self
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for match in pattern.finditer(self.text):
            chars.extend(self.text[position : match.start()])
            starts.extend(self.starts[position : match.start()])
            ends.extend(self.ends[position : match.start()])
            chars.append(replacement)
            starts.append(self.starts[match.start()])
            ends.append(self.ends[match.end() - 1])
            position = match.end()
        chars.extend(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return _Normalised("".join(chars), tuple(starts), tuple(ends))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the text as given."""
        return self.starts[start], self.ends[end - 1]


# Character classes of the normalised text

_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_HIRAGANA = "\u3041-\u3096ゝゞ"
_KATAKANA = "\u30a1-\u30faー"
_SENTENCE_END = "。！？!?\n"


def _clause_before(norm: str, start: int, width: int) -> str:
    window = norm[max(0, start - width) : start]
    cut = max(window.rfind(mark) for mark in _SENTENCE_END)
    return window[cut + 1 :]


def _clause_after(norm: str, end: int, width: int) -> str:
    window = norm[end : end + width]
    cuts = [window.find(mark) for mark in _SENTENCE_END if mark in window]
    return window[: min(cuts)] if cuts else window


# Structured identifiers

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*"
    r"(?:@|\s?\((?:at|AT)\)\s?|\s?\[(?:at|AT)\]\s?)"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}"
)


def _emails(norm: str) -> list[tuple[int, int]]:
    return [match.span() for match in _EMAIL.finditer(norm)]


_URL_CHARS = r"A-Za-z0-9\-._~:/?#@!$&'*+,;=%"
_TLDS = (
    "com|net|org|jp|info|biz|io|me|tv|be|ly|gl|app|dev|xyz|shop|site|online|co|cc|to|link|"
    "page|blog|club|tokyo|us|uk|fm|gg|ai|so|la|ws|top|live|news|work|tech|world|store"
)
_URL = re.compile(
    rf"https?://[{_URL_CHARS}]+"
    rf"|(?<![A-Za-z0-9@._%+\-/])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+(?:{_TLDS})"
    rf"(?![A-Za-z0-9\-])(?:[/?#][{_URL_CHARS}]*)?"
)
_URL_HOST = re.compile(r"^(?:https?://)?([^/?#:]+)(.*)$")


def _urls(norm: str, public: PublicEntries) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(norm):
        url = match.group().rstrip(".,;:!?'")
        parts = _URL_HOST.match(url)
        host, rest = parts.groups() if parts else ("", url)
        host = host.lower().removeprefix("www.").removeprefix("m.")
        if any(host == known or host.endswith("." + known) for known in public.hosts):
            continue
        if host in PLATFORM_HOSTS and rest in ("", "/"):
            continue
        spans.append((match.start(), match.start() + len(url)))
    return spans


_MY_NUMBER = re.compile(r"(?<![0-9\-])[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9\-])")
_MY_NUMBER_WORD = re.compile(r"マイナンバー|個人番号|マイナ(?!ス)")
# Twelve digits written one by one or grouped any way (5 1 8 8 …, 2209-8813-4756).
_TWELVE_DIGITS = re.compile(r"(?<![0-9\-])[0-9](?:[ \-]?[0-9]){11}(?![0-9\-])")
# A twelve-digit number labelled as something else (注文番号は…) is that thing.
_OTHER_NUMBER_LABEL = re.compile(
    r"(?:注文|伝票|受付|問い合わせ|問合せ|管理|会員|お客様|追跡|取引|口座|契約|請求|予約|整理|申込"
    r"|お問い合わせ|商品|製造|シリアル)(?:番号|No\.?|ID)"
)


def _my_numbers(norm: str) -> list[tuple[int, int]]:
    """Return My Numbers: twelve digits near マイナンバー or 個人番号, or with a valid check digit.

    Near the word the check digit is not asked for: a number mistyped by one digit still
    leads to the person, and a counsellor who writes it down means it as one.
    """
    spans = [
        match.span()
        for match in _TWELVE_DIGITS.finditer(norm)
        if _MY_NUMBER_WORD.search(norm[max(0, match.start() - 30) : match.end() + 30])
    ]
    for match in _MY_NUMBER.finditer(norm):
        digits = re.sub(r"[ \-]", "", match.group())
        # Twelve digits with a valid check digit are a My Number, named or not; grouped ones
        # (1234 5678 9012) need the word nearby, as a grouped number may be anything.
        if not is_valid_my_number(digits):
            continue
        nearby = norm[max(0, match.start() - 30) : match.end() + 15]
        if _MY_NUMBER_WORD.search(nearby) or (
            len(match.group()) == 12
            and not _OTHER_NUMBER_LABEL.search(_clause_before(norm, match.start(), 15))
        ):
            spans.append(match.span())
    return spans


_PHONE = re.compile(r"(?<![0-9A-Za-z+#/.\-])(?:\+ ?81|\(0|0)[0-9() .\-]*[0-9]")
_PHONE_GROUP = re.compile(r"[0-9]+")
_ELEVEN_DIGIT_PREFIXES = ("070", "080", "090", "050", "020")
_PHONE_MAX_DIGITS = 11


def _is_phone_number(digits: str, public: PublicEntries) -> bool:
    if digits in public.phone_numbers:
        return False
    if len(digits) == 11:
        return digits.startswith(_ELEVEN_DIGIT_PREFIXES) or digits.startswith("0800")
    if len(digits) == 10:
        return digits[1] != "0" and not digits.startswith(_ELEVEN_DIGIT_PREFIXES)
    return False


def _phones(norm: str, public: PublicEntries) -> list[tuple[int, int]]:
    spans = []
    for match in _PHONE.finditer(norm):
        candidate = match.group()
        international = candidate.startswith("+")
        # No number has more than eleven digits, so only the first groups can make one; a run
        # of thousands of digit groups costs no more than its first few.
        groups: list[re.Match[str]] = []
        digit_count = 0
        found = _PHONE_GROUP.finditer(candidate)
        if international:
            next(found)
        for group in found:
            digit_count += len(group.group())
            if digit_count > _PHONE_MAX_DIGITS:
                break
            groups.append(group)
        # A candidate may run into a following number: drop trailing groups until it fits.
        for count in range(len(groups), 0, -1):
            digits = "".join(group.group() for group in groups[:count])
            if international:
                digits = "0" + digits.removeprefix("0")
            if _is_phone_number(digits, public):
                end = match.start() + groups[count - 1].end()
                # "(058)" is part of the number; the "(" of "（090-…）" is punctuation.
                start = match.start()
                if candidate.startswith("(") and ")" not in norm[start:end]:
                    start += 1
                spans.append((start, end))
                break
    return spans


_POSTAL = re.compile(
    r"(?:〒|郵便番号)\s?(?:は|:)?\s?([0-9]{3}-?[0-9]{4})(?![0-9])"
    r"|(?<![0-9\-])([0-9]{3}-[0-9]{4})(?![0-9\-])"
)


# 150-0043 東京都渋谷区…: seven digits written before an address are its postal code.
_ADDRESS_START = re.compile(f"\\s?(?:[{_KANJI}]{{1,3}}[都道府県]|[{_KANJI}]{{1,5}}[市区郡])")


def _postal_codes(norm: str) -> list[tuple[int, int]]:
    spans = []
    for match in _POSTAL.finditer(norm):
        if match.group(1):
            spans.append(match.span(1))
        elif re.search("〒|郵便", _clause_before(norm, match.start(), 20)) or _ADDRESS_START.match(
            norm, match.end(2)
        ):
            spans.append(match.span(2))
    return spans


_DATE = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:(?:(?:19|20)[0-9]{2}|(?:明治|大正|昭和|平成|令和)\s?(?:[0-9]{1,2}|元)|[MTSHR][0-9]{1,2})"
    r"\s?年\s?)?[0-9]{1,2}\s?月\s?[0-9]{1,2}\s?日"
    r"|(?:(?:19|20)[0-9]{2}|[MTSHR][0-9]{1,2})([./\-])[0-9]{1,2}\1[0-9]{1,2}(?![0-9])"
    r")"
)
_BIRTH_BEFORE = re.compile(r"生年月日|誕生日|生まれ|誕生")
_BIRTH_AFTER = re.compile(r"\s?(?:生まれ|産まれ|誕生|生(?![徒活産命涯放存前後]))")


def _birth_dates(norm: str) -> list[tuple[int, int]]:
    spans = []
    for match in _DATE.finditer(norm):
        before = _clause_before(norm, match.start(), 12)
        if _BIRTH_BEFORE.search(before) or _BIRTH_AFTER.match(norm, match.end()):
            spans.append(match.span())
    return spans


_NAME_CHARS = f"{_KANJI}{_KATAKANA}A-Za-z○〇●◯◎×△□"
_GRADE_AND_CLASS = (
    r"\s?の?\s?[1-6一二三四五六]\s?年生?\s?の?\s?"
    r"(?:[0-9]{1,2}|[A-Za-z]|[一二三四五六七八九十]{1,2}|[イロハニホヘト])\s?組"
)
_SCHOOL_CLASS = re.compile(
    rf"(?:[{_NAME_CHARS}]{{1,15}}?"
    r"(?:小学校|中学校|高等学校|中等教育学校|義務教育学校|特別支援学校|高校|中学|学園|学院|高専)"
    rf"|[{_KANJI}○〇]{{2,12}}?[小中高](?=[1-6一二三四五六]年)){_GRADE_AND_CLASS}"
)


def _school_classes(norm: str) -> list[tuple[int, int]]:
    return [match.span() for match in _SCHOOL_CLASS.finditer(norm)]


_GRADE_CLASS = re.compile(_GRADE_AND_CLASS.removeprefix(r"\s?の?\s?"))


def _classes_of_named_people(norm: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return a grade and class tied to a named person: 5年1組の上田, 前川（2年3組）.

    A grade and class alone leads to no one (the school is not named); beside a name it is
    part of what identifies that person, and is found with the name.
    """
    starts = {start for start, _ in names}
    spans = []
    for match in _GRADE_CLASS.finditer(norm):
        start, end = match.span()
        after = 1 if norm[end : end + 1] == "の" else 0
        bracket = norm.rfind("(", max(0, start - 20), start)
        in_brackets_after_name = (
            bracket > 0 and ")" not in norm[bracket:start] and any(e == bracket for _, e in names)
        )
        if end + after in starts or in_brackets_after_name:
            spans.append((start, end))
    return spans


# Bounded, as every repeat here is: a run of 一 must not be tried to its end from each start.
_NUMBER = r"(?:[1-9][0-9]{0,3}|[一二三四五六七八九十百千]{1,8})"
_DIGITS = r"[1-9][0-9]{0,3}"
_ADDRESS_TAIL = re.compile(
    rf"(?<=[{_KANJI}{_KATAKANA}])(?:"
    rf"(?P<chome>{_NUMBER}\s?丁目(?:\s?{_NUMBER}(?:\s?番地?\s?{_NUMBER}(?:\s?号)?|\s?番地?|-{_DIGITS}(?:-{_DIGITS})?)?)?)"
    rf"|(?P<banchi>{_NUMBER}\s?番地(?:\s?{_NUMBER}(?:\s?号)?|-{_DIGITS})?)"
    rf"|(?P<ban>{_NUMBER}\s?番\s?{_NUMBER}\s?号)"
    rf"|(?P<dashed>{_DIGITS}-{_DIGITS}(?:-{_DIGITS})?)(?![0-9\-])"
    r")"
)
_PLACE_CHARS = re.compile(f"[{_KANJI}{_KATAKANA}ケノ]")
_PLACE_MARKER = re.compile("[都道府県市区町村郡]")
_ADDRESS_LEAD = re.compile("(?:現住所|旧住所|住所|自宅|実家|所在地|本籍)")


def _place_start(norm: str, end: int) -> int:
    """Return where the place name that ends at end begins."""
    start = end
    while start > 0 and end - start < 25:
        char = norm[start - 1]
        # の belongs to a place name only inside a short piece such as 丸の内 or 三の丸.
        if _PLACE_CHARS.match(char) or (
            char == "の" and end - start <= 2 and start > 1 and _PLACE_CHARS.match(norm[start - 2])
        ):
            start -= 1
        else:
            break
    lead = _ADDRESS_LEAD.match(norm, start, end)
    return lead.end() if lead else start


def _addresses(norm: str) -> list[tuple[int, int]]:
    spans = []
    for match in _ADDRESS_TAIL.finditer(norm):
        start = _place_start(norm, match.start())
        place = norm[start : match.start()]
        if not place:
            continue
        dashed = match.group("dashed")
        if dashed:
            groups = dashed.split("-")
            if len(groups[0]) == 4 and groups[0].startswith(("19", "20")):
                continue
            if len(groups) == 2 and not _PLACE_MARKER.search(place):
                continue
            if len(groups) == 3 and len(place) < 2:
                continue
        spans.append((start, match.end()))
    return spans


_HANDLE = re.compile(r"(?<![A-Za-z0-9._%+\-@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_LABELLED_ID = re.compile(
    r"(?<![A-Za-z])(?:ID|Id|id|ユーザー名|ユーザ名|ユーザーネーム|アカウント名|アカ名|ハンドルネーム)"
    r"\s?(?:は|を|が|も|:|=)?\s?([「『\"'(]?)\s?([A-Za-z0-9][A-Za-z0-9_.\-]{2,29})"
)
_SNS_WORD = re.compile(
    r"LINE|ライン|インスタ|Instagram|TikTok|ティックトック|Twitter|ツイッター|(?<![A-Za-z])X(?![A-Za-z])"
    r"|Facebook|フェイスブック|Discord|ディスコード|YouTube|ユーチューブ|Threads|スレッズ|SNS|アカウント"
)


def _sns_ids(norm: str) -> list[tuple[int, int]]:
    spans = [match.span() for match in _HANDLE.finditer(norm)]
    for match in _LABELLED_ID.finditer(norm):
        value = match.group(2).rstrip("._-")
        # アカウント名はKenji Mori: a given and a family name are a name, found as one.
        if re.match(r" [A-Z][a-z]", norm[match.end(2) : match.end(2) + 3]):
            continue
        # An all-capitals word after "ID" is prose (IDはSNSで…), not an identifier.
        if not re.search(r"[a-z0-9_.]", value):
            continue
        nearby = _clause_before(norm, match.start(), 25) + norm[match.start() : match.end() + 15]
        # ID『kai_nico』: a quoted value written as handles are is one, whatever the clause.
        quoted_handle = bool(match.group(1)) and bool(re.search(r"[_.0-9]", value))
        if quoted_handle or _SNS_WORD.search(nearby):
            spans.append((match.start(2), match.start(2) + len(value)))
    return spans


# Person names


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    pos: tuple[str, ...]

    @property
    def is_person_name(self) -> bool:
        return self.pos[1] == "固有名詞" and self.pos[2] == "人名"

    @property
    def is_common_noun(self) -> bool:
        return self.pos[0] == "名詞" and self.pos[1] == "普通名詞"


_local = threading.local()


@cache
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer() -> Any:
    """Return this thread's SudachiPy tokenizer: the dictionary is shared, a tokenizer is not."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        dictionary = _dictionary()
        # SudachiPy 0.7 renamed create() to tokenizer(); 0.6 has only create().
        make = getattr(dictionary, "tokenizer", dictionary.create)
        tokenizer = _local.tokenizer = make(mode=SplitMode.C)
    return tokenizer


_JAPANESE = re.compile(f"[{_KANJI}{_HIRAGANA}{_KATAKANA}]")
# SudachiPy refuses input over 49,149 bytes; a run without a sentence end is cut at 1,000.
_SENTENCE = re.compile(r"[^。！？!?\n]{1,1000}[。！？!?\n]?|[。！？!?\n]")
_BATCH_LENGTH = 1000


def _tokens(norm: str) -> list[_Token]:
    """Tokenise the Japanese parts of norm, batching sentences up to 1,000 characters."""
    batches: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(norm):
        start, end = sentence.span()
        if batches and end - batches[-1][0] <= _BATCH_LENGTH:
            batches[-1] = (batches[-1][0], end)
        else:
            batches.append((start, end))
    tokenizer = _tokenizer()
    tokens: list[_Token] = []
    for batch_start, batch_end in batches:
        batch = norm[batch_start:batch_end]
        if not _JAPANESE.search(batch):
            continue
        tokens.extend(
            _Token(
                batch_start + morpheme.begin(),
                batch_start + morpheme.end(),
                morpheme.part_of_speech(),
            )
            for morpheme in tokenizer.tokenize(batch)
        )
    return tokens


def _to_hiragana(word: str) -> str:
    return "".join(chr(ord(char) - 0x60) if "ァ" <= char <= "ヶ" else char for char in word)


def _to_katakana(word: str) -> str:
    return "".join(chr(ord(char) + 0x60) if "ぁ" <= char <= "ゖ" else char for char in word)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# 先輩 follows a surname as a title does (野田先輩), so it is read like one.
_HONORIFIC = "さん|くん|君|ちゃん|さま|様|氏|先生|先輩"
_KANA_GIVEN_NAMES = _words(
    """
    はなこ たろう じろう さぶろう ゆうき さくら ひなた ゆい あおい はると そうた りこ みお ゆな
    かいと れん めい ひまり つむぎ ことね ゆうと けんた みさき あやか しょうた だいき まゆ かなで
    りく ゆうな ともや なつみ はるか ゆうま ゆうた ゆうや ゆうり ゆうか ゆか ゆき ゆみ ゆり ゆめ
    ゆず りお りな りさ りん れい れな れお みゆ みゆき みか みき みく みほ みう みづき みずき
    みなみ みさと みのり めぐみ もえ もか さき さな さや さやか さとし さとみ しおり しずく すず
    すみれ せな そうま そうすけ たくみ たくま たけし たいが たいし ちひろ ちさと つばさ とうま
    としき なお なおき なおと なぎさ なのは にいな のぞみ はやと はるき はるな はるひ はるま
    ひかる ひかり ひでき ひろき ひろと ひろし ふうか ほのか まお まこと まさき まさと まなみ
    まどか まほ まりな まりこ みつき あかり あきら あすか あみ あやね あゆみ あんな いつき いおり
    えま えみ かえで かおり かずき かずや かなた かほ かりん かんな きょうか くるみ けいた けんと
    こうき こうた こうへい ここな ここみ こはる さあや しほ じゅん しゅん しゅんや しょうご すばる
    せいや そうし だいち だいすけ ちはる つかさ ともき ともみ なぎ なるみ のあ はな ひな ひなの
    ひより ふみや まな まいか みれい ももか やまと ゆずき ゆいな ようた ようすけ らん りか
    りょうた りょうすけ りょうま るか わかな わたる あおと あさひ いちか えいた かいせい かける
    けいすけ こたろう しゅうと たいち ちなつ とわ はるの ひびき ふうた ほくと まさや みずほ
    ゆうせい ゆうご れいな みなと いちろう けんじ こうじ しんじ ゆうじ まさと かずま
    """
)
_KANA_NAME = re.compile(
    f"(?:(?<![{_HIRAGANA}{_KATAKANA}])|(?<=[^{_HIRAGANA}]の))"
    f"({'|'.join(sorted(_KANA_GIVEN_NAMES, key=len, reverse=True))})"
    f"(?=(?:{_HONORIFIC}|って|という|から|には|とは|が|に|と|は|も|の|を|へ|や|で)"
    f"|[^{_HIRAGANA}{_KATAKANA}]|$)"
    # A name in katakana ends where the katakana does (名前はアヤカで).
    f"|(?<![{_KATAKANA}])"
    f"({'|'.join(sorted(map(_to_katakana, _KANA_GIVEN_NAMES), key=len, reverse=True))})"
    f"(?![{_KATAKANA}])"
)
_KANJI_HONORIFIC = re.compile(f"(?<![{_KANJI}お御ご])([{_KANJI}]{{1,6}})(?={_HONORIFIC})")
_KATAKANA_HONORIFIC = re.compile(
    f"(?<![{_KATAKANA}・])([{_KATAKANA}]{{2,8}}(?:・[{_KATAKANA}]{{1,8}}){{0,3}})(?={_HONORIFIC})"
)
# Anna Müllerさん: a given name may come first, and a name may hold accented letters.
_LATIN_HONORIFIC = re.compile(
    f"(?<![A-Za-z0-9])((?:[A-Z][a-zà-öø-ÿ]{{1,15}} )?[A-Z][a-zà-öø-ÿ]{{1,15}})(?={_HONORIFIC})"
)
_KANA_TITLE = re.compile("くん|ちゃん|さん|さま|君|様")
_KANA_TITLE_AND = re.compile("(?:くん|ちゃん|さん|さま)(?:と|や|も)?")
_HIRAGANA_CHAR = re.compile(f"[{_HIRAGANA}]")
_WORD_ENDING_IN_TITLE = ("たく", "みな", "おつか", "ごちそう", "おかげ", "ごくろう", "おつかれ")
# Kinship and other words that take ちゃん or さん in speech: ばあちゃん, みなさん, ねこちゃん.
_NOT_KANA_NAMES = _words(
    "あか ばあ じい ねえ にい かあ とう ぼっ ちび みな だんな あなた こども かみ ほとけ ひめ"
    " わん ねこ いぬ うさ"
)
_AFTER_HONORIFIC_EXCLUDED = {"様": "子々式相態変", "氏": "名", "君": "主臨"}
_PSEUDONYM_MARK = re.compile("[A-Za-z○〇●◯◎×△□*]")

_NOT_NAMES = _words(
    """
    母 父 姉 兄 弟 妹 娘 息子 子 奥 嫁 婿 孫 客 皆 隣 彼 某 神 仏 王 同 模 仕 貴 各 両 諸 主 暴 赤 坊
    嬢 婆 爺 猫 犬 鳥 苦労 馳走 陰 互 様 多 一 異 有 無 態 担任 副担任 学年主任 主任 顧問 監督 教頭 副校長 校長
    先輩 後輩 友達 友人 知人 本人 当人 恋人 犯人 隣人 他人 婦人 夫人 主人 管理人 大人 素人 芸能人
    一般人 外国人 仲人 大家 専門家 作家 漫画家 政治家 相手 相方 保護者 生徒 児童 学生 同級生
    上級生 下級生 高校生 中学生 小学生 大学生 留学生 受験生 新入生 卒業生 転校生 先生 教員 教師
    親 両親 家族 親戚 兄弟 姉妹 夫 妻 旦那 亭主 奥様 親御 叔母 叔父 伯母 伯父 祖母 祖父 甥 姪
    弁護士 司法書士 行政書士 税理士 保育士 介護士 消防士 運転士 栄養士 博士 運転手 選手 歌手
    騎手 助手 店主 家主 地主 運営 担当 受付 近所 隣近所 番 殿 お嬢 数人 何人 一人 二人 三人 大勢 甲 乙 丙
    仲間 配信者
    元 大 新 前 上 中 下 後 横 外 内 先
    """
)
_ROLE_SUFFIXES = ("者", "員", "師", "官", "長")
_ROLE_PREFIXES = tuple(
    sorted(
        (word for word in _NOT_NAMES if len(word) >= 2),
        key=len,
        reverse=True,
    )
)
_KATAKANA_COMMON = _words(
    """
    ママ パパ ファン フォロワー ユーザー スタッフ ドライバー オーナー ナース ゲスト アンチ メンバー
    マネージャー コーチ トレーナー ヘルパー カウンセラー バイト パート リーダー キャスト ホスト
    ガイド サンタ ネット アイドル ライバー ユーチューバー インフルエンサー クラスメイト ペット
    ワン ニャン ママ友 オジサン オバサン ケアマネ フレンド チーム キャプテン マネ シェフ
    """
)

_RELATIONS = (
    "娘|息子|友達|友だち|友人|同級生|クラスメイト|クラスメート|先輩|後輩|姉|妹|兄|弟|長女|次女|三女"
    "|長男|次男|三男|彼氏|彼女|元彼|元カレ|元カノ|孫|相手|加害者|加害生徒|被害生徒|幼なじみ|幼馴染|知り合い"
    "|同僚|部員|生徒|児童|いとこ|従兄弟|従姉妹|甥|姪"
    "|母親|父親|母|父|祖母|祖父|義母|義父|継母|継父|叔母|叔父|伯母|伯父|おば|おじ|兄貴|姉貴|夫|妻"
    "|元夫|元妻|旦那|嫁|婚約者|恋人|交際相手|元交際相手|同居人|親戚|担任|副担任|顧問|監督|コーチ"
    "|店長|上司|部下|社長|部長|課長|校長|教頭|講師|塾講師|家庭教師|保護者|ママ友|パパ友|隣人|大家"
    "|ルームメイト|フレンド|相方|知人|親友|教師|先生|主任|マネージャー|オーナー|彼|仲間|配信者"
)
_RELATION_BEFORE = re.compile(f"(?:{_RELATIONS})の?$")
_RELATION_AND_NO_BEFORE = re.compile(f"(?:{_RELATIONS})の$")
_PERSON_SLOT = re.compile(
    f"(?:{_RELATIONS})の([{_KANJI}]{{2,3}}?)(?:氏|様|君|殿)?(?=から|が|に|と|は|も)"
)
_PERSON_NOUN_AFTER = re.compile(
    "^[』」]?(?:(?:って|という|っていう)"
    "(?:子|人|男|女|奴|やつ|名前|生徒|同級生|アカウント|先輩|後輩|大学生|高校生|中学生)"
    "|と名乗|を名乗|と呼ばれ)"
    # 『ケイタ』ことKeita Mori: the quoted word is what the person is called.
    "|^[』」]こと(?![をがはにでも])"
    # A school year or an age beside a word marks a person: ミユ 中3, ユウナ（高1）, (17歳).
    "|^[』」]?\\s?[(（]?(?:小|中|高|大|大学)[1-6](?:年(?:生)?)?(?:[)）、,』」]|\\s|$)"
    "|^[』」]?\\s?[(（][0-9]{1,2}歳"
    # What a person is called or named by: Rikuto（源氏名）, …の名前で, …名義の口座.
    "|^[』」]?\\s?[(（](?:源氏名|本名|仮名|芸名|ニックネーム|あだ名|ハンドルネーム|偽名)"
    "|^[』」]?(?:の)?(?:名前|名義|本名)で|^名義"
)
_PARTICLE_AFTER = re.compile("^(?:から|には|とは|が|に|と|は|も)")
_PERSON_ACTION = re.compile(
    "言わ|言っ|言い|書い|書か|書き|送っ|送ら|送り|送れ|投稿|載せ|上げ|晒|脅|殴|蹴|叩|撮|拡散|無視|流し|流さ"
    "|誘|要求|外さ|外し|ブロック|悪口|暴言|連絡|電話|メッセージ|DM|LINE|いじめ|からか|回さ|回し|広め"
    "|泣|遊|会|知り合|付き合|喧嘩|けんか|やっ|やら|使っ|使わ|作っ|作ら|取っ|取ら|盗|奪|騙|だま"
    "|ばら|なりすま|させ|笑|罵倒|罵|中傷|揶揄|怖が|『|「"
)
_PLACE_OR_FIRM_AFTER = re.compile(
    "^の?(?:駅|町|市|区|村|郡|県|川|河原|橋|公園|通り|方面|付近|周辺|近く|辺り|あたり|出身|在住|地区"
    "|港|空港|城|山|店|商店街|バス停|交差点|病院|署|高校|中学|小学校|大学|線|インター"
    "|自動車|工業|商事|商店|建設|電機|電器|製作所|銀行|証券|運輸|産業|食品|化学|海運|薬品|遊歩道|並木)"
)
_KANJI_CHAR = re.compile(f"[{_KANJI}]")
_KANJI_WORD = re.compile(f"[{_KANJI}]+")
_AND = re.compile("^(?:と|や|、)")
_GROUP_BEFORE = re.compile(
    "(?:クラス|ゼミ|部活|部|塾|サークル|チーム|職場|会社|バイト先|バイト|グループ|学年)の$"
)
_CLAUSE_OPENERS = "。、！？!?\n 『「（("
_PASSIVE_MARKS = frozenset({"れ", "られ", "され"})
_GIVEN_AFTER_SPACE = re.compile(f" ([{_KANJI}]{{1,3}})(?![{_KANJI}])")
_KANA_ONLY = re.compile(f"^[{_HIRAGANA}{_KATAKANA}]+$")
_HONORIFIC_AFTER = re.compile(f"^(?:{_HONORIFIC})")
_NAME_LABEL_BEFORE = re.compile('(?:名前|本名|氏名|フルネーム)(?:は|が|も|の|:)?\\s?[「『"]?$')
# Romaji names: Sato-san, or a capitalised word (or two) that the sentence calls a person.
_LATIN_TITLE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z][a-z]{1,15})-(?:san|kun|chan|sama|sensei|senpai)(?![A-Za-z])"
)
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9@._/#\-])([A-Z][a-z]{1,15}(?: [A-Z][a-z]{1,15})?|[A-Z]{3,15})(?![A-Za-z0-9])"
)
_NOT_LATIN_NAMES = re.compile(
    f"^(?:{_SNS_WORD.pattern}|ID|DM|URL|PDF|QR|Web|Google|Apple|Gmail|Iphone|Ipad|Android|Windows"
    "|Mac|Slack|Zoom|Teams|Skype|Paypay|Amazon|Switch|Steam|Xbox|Wifi|Bluetooth|Ai|Sns)$"
)


def _is_role(word: str) -> bool:
    return word in _NOT_NAMES or word.endswith(_ROLE_SUFFIXES)


def _named_as_person(norm: str, start: int, end: int) -> bool:
    """Return whether the words around norm[start:end] say it is someone's name."""
    after = norm[end : end + 12]
    if _HONORIFIC_AFTER.match(after) or _PERSON_NOUN_AFTER.match(after.lstrip(" ")):
        return True
    before = norm[max(0, start - 8) : start]
    # 同級生ユウキ, 先輩の森; but 先生方 is one word, not a relation and a name.
    related = _RELATION_AND_NO_BEFORE.search(before) or (
        _RELATION_BEFORE.search(before) and not _KANJI_CHAR.match(norm[start])
    )
    if related or _NAME_LABEL_BEFORE.search(before):
        return True
    # Called by name inside quoted speech: 『あやね、…』
    return start > 0 and norm[start - 1] in "『「" and after[:1] in "、,!?"


def _does_what_people_do(norm: str, end: int) -> bool:
    """Return whether the word ending at end is followed by a particle and a person's act."""
    particle = _PARTICLE_AFTER.match(norm[end : end + 3])
    return bool(particle and _PERSON_ACTION.search(_clause_after(norm, end + particle.end(), 20)))


def _in_person_context(norm: str, start: int, end: int) -> bool:
    """Return whether the word at norm[start:end] reads as a person, not a thing."""
    return _named_as_person(norm, start, end) or _does_what_people_do(norm, end)


def _honorific_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = []
    for match in _KANJI_HONORIFIC.finditer(norm):
        start, end = match.span(1)
        after = _HONORIFIC_AFTER.match(norm[end : end + 3])
        honorific = after.group() if after else ""
        next_char = norm[end + len(honorific) : end + len(honorific) + 1]
        if next_char and next_char in _AFTER_HONORIFIC_EXCLUDED.get(honorific, ""):
            continue
        if start > 0 and _PSEUDONYM_MARK.match(norm[start - 1]):
            continue
        word = match.group(1)
        for role in _ROLE_PREFIXES:
            if word.startswith(role) and len(word) > len(role):
                word = word[len(role) :]
                start += len(role)
                break
        if not _is_role(word):
            spans.append((start, end))
    common_nouns = {(token.start, token.end) for token in tokens if token.is_common_noun}
    for match in _KATAKANA_HONORIFIC.finditer(norm):
        word = match.group(1)
        # グエン・ヴァン・ナムさん: a name in parts is a name, whatever its parts are.
        is_common = "・" not in word and (word in _KATAKANA_COMMON or match.span(1) in common_nouns)
        if _to_hiragana(word) in _KANA_GIVEN_NAMES or not is_common:
            spans.append(match.span(1))
    spans.extend(match.span(1) for match in _LATIN_HONORIFIC.finditer(norm))
    spans.extend(match.span(1) for match in _LATIN_TITLE.finditer(norm))
    return spans


def _latin_names(norm: str) -> list[tuple[int, int]]:
    """Return romaji words the sentence itself calls a name (Kentaと名乗る, 名前は Mika)."""
    spans = []
    for match in _LATIN_NAME.finditer(norm):
        start, end = match.span(1)
        if _NOT_LATIN_NAMES.match(match.group(1)):
            continue
        # 相手のGmail, 友達のiPhone: after a relation a romaji word is more often a thing.
        after = norm[end : end + 12].lstrip(" ")
        if _PERSON_NOUN_AFTER.match(after) or _NAME_LABEL_BEFORE.search(
            norm[max(0, start - 8) : start]
        ):
            spans.append((start, end))
    return spans


def _kana_names(norm: str) -> list[tuple[int, int]]:
    spans = []
    for match in _KANA_NAME.finditer(norm):
        span = match.span(1) if match.group(1) else match.span(2)
        if _in_person_context(norm, *span):
            spans.append(span)
    return spans


def _kana_titled_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return hiragana words before くん・ちゃん・さん (しょうへいくん), listed or not.

    Only with SudachiPy's tokens: without them a particle cannot be told from the name.
    """
    if not tokens:
        return []
    token_at = {token.start: token for token in tokens}
    spans = []
    for match in _KANA_TITLE.finditer(norm):
        end = match.start()
        # ちゃんと (properly), さまざま: the title is the start of another word.
        title = token_at.get(end)
        if title is not None and title.pos[0] not in ("接尾辞", "名詞"):
            continue
        # 様子, 君主: a word that only begins with the title.
        if title is not None and title.end > match.end():
            continue
        # たくさん, いろいろさま: SudachiPy reads the title as the end of another word.
        if title is None and norm[max(0, end - 6) : end].endswith(_WORD_ENDING_IN_TITLE):
            continue
        start = end
        while start > 0 and end - start < 12 and _HIRAGANA_CHAR.match(norm[start - 1]):
            start -= 1
        # しょうへいくんとだいごくん: the run may begin with the previous name's title.
        previous = list(_KANA_TITLE_AND.finditer(norm, start, end))
        if previous:
            start = previous[-1].end()
        # 後輩のれんくん, ともだちのみゆちゃん: the の before a name is not part of it.
        cut = norm.rfind("の", start, end - 2)
        if cut >= 0 and (cut > start + 1 or (cut == start and start > 0)):
            start = cut + 1
        # 娘とゆいちゃん, みんながひなたちゃんを: nor is a particle SudachiPy reads before it.
        while (token := token_at.get(start)) is not None and token.pos[0] == "助詞":
            start = token.end
        first = bisect.bisect_left(tokens, start, key=lambda token: token.start)
        particles = [
            token.end
            for token in tokens[first : first + 12]
            if token.end <= end - 2 and token.pos[0] == "助詞"
        ]
        if particles and end - start > 6:
            start = particles[-1]
        word = norm[start:end]
        if 2 <= len(word) <= 6 and word[0] not in "おご" and word not in _NOT_KANA_NAMES:
            spans.append((start, end))
    return spans


def _tagged_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return the names SudachiPy tags as 人名, joining a surname to its given name."""
    spans = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.is_person_name:
            index += 1
            continue
        group = [token]
        index += 1
        while index < len(tokens):
            following = tokens[index]
            if not (following.is_person_name and following.start == group[-1].end):
                break
            group.append(following)
            index += 1
        start, end = group[0].start, group[-1].end
        # 佐藤 花子, 石田 陽斗: a short kanji word after a surname and a space is its
        # given name, whether or not the dictionary knows the name.
        if len(group) == 1 and group[0].pos[3] == "姓":
            given = _GIVEN_AFTER_SPACE.match(norm, end)
            if given and not _is_role(given.group(1)):
                end = given.end()
        word = norm[start:end]
        # A role word is a role (店長, 社長), but a full name may end like one (織田信長).
        is_role = word in _NOT_NAMES or (len(word) <= 2 and _is_role(word))
        if not re.fullmatch(f"[{_KANJI}{_HIRAGANA}{_KATAKANA} ]+", word) or is_role:
            continue
        if _KANA_ONLY.match(word):
            # 娘のりこ: SudachiPy may read the particle as the start of a name (のりこ).
            particle_first = word[0] == "の" and start > 0 and _KANJI_CHAR.match(norm[start - 1])
            if not particle_first and _in_person_context(norm, start, end):
                spans.append((start, end))
        elif len(group) == 1 and group[0].pos[3] == "姓" and _PLACE_OR_FIRM_AFTER.match(norm[end:]):
            continue
        else:
            spans.append((start, end))
    return spans


def _unknown_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return kanji words in a person's slot (友人の今村と) that the dictionary cannot read."""
    token_at = {token.start: token for token in tokens}
    spans = []
    for match in _PERSON_SLOT.finditer(norm):
        start, end = match.span(1)
        first = token_at.get(start)
        if first is None or first.end >= end or _is_role(match.group(1)):
            continue
        index = bisect.bisect_left(tokens, start, key=lambda token: token.start)
        pieces = []
        while index < len(tokens) and tokens[index].start < end:
            pieces.append(tokens[index])
            index += 1
        if pieces[-1].end == end and all(token.pos[2] != "地名" for token in pieces):
            spans.append((start, end))
    return spans


@lru_cache(maxsize=4096)
def _could_be_name(word: str) -> bool:
    """Return whether the dictionary knows the word as a person's name, among its readings."""
    return any(
        entry.part_of_speech()[1:3] == ("固有名詞", "人名") for entry in _dictionary().lookup(word)
    )


@lru_cache(maxsize=4096)
def _could_be_surname(word: str) -> bool:
    return any(
        entry.part_of_speech()[2:4] == ("人名", "姓") for entry in _dictionary().lookup(word)
    )


def _surname_words(
    norm: str, tokens: list[_Token], found: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return surnames that are also ordinary words or places (森, 千葉) where a person stands.

    SudachiPy reads 森 as a forest and 千葉 as a place; the dictionary knows both as surnames
    too. One counts as a name after a relation (先輩の千葉が), next to another name (林と谷口),
    or opening a clause whose verb only a person does (森が…ばらした, 岡本に言われて).
    """
    starts = {start for start, _ in found}
    ends = {end for _, end in found}
    spans = []
    for token in tokens:
        start, end = token.start, token.end
        word = norm[start:end]
        if not (
            token.pos[0] == "名詞"
            and token.pos[2] in ("一般", "地名")
            and len(word) <= 3
            and _KANJI_WORD.fullmatch(word)
            and not _is_role(word)
        ):
            continue
        after = norm[end : end + 12]
        if _PLACE_OR_FIRM_AFTER.match(after):
            continue
        joined = _AND.match(after)
        beside = (joined and end + joined.end() in starts) or (
            start > 0 and norm[start - 1] in "と、や" and start - 1 in ends
        )
        if not (
            beside
            or _stands_for_a_person(norm, tokens, start, end)
            or _named_as_person(norm, start, end)
        ):
            continue
        if _could_be_surname(word):
            spans.append((start, end))
    return spans


_GIVEN_TO_SOMEONE = re.compile(
    "(?:スクショ|スクリーンショット|写真|画像|動画|メッセージ|DM|LINE|ライン|メール)を"
    "(?:送|見せ|渡|転送|共有)"
)


def _stands_for_a_person(norm: str, tokens: list[_Token], start: int, end: int) -> bool:
    """Return whether a word is in a person's slot: after a relation, or doing what people do."""
    before = norm[max(0, start - 8) : start]
    related = _RELATION_AND_NO_BEFORE.search(before) or _GROUP_BEFORE.search(before)
    # 相手は同じゼミの今井で: after a relation the word may end the clause as its predicate.
    if related and re.match("(?:で|だ|です)(?![きもはし])|[。」』]|$", norm[end : end + 3]):
        return True
    particle = _PARTICLE_AFTER.match(norm[end : end + 3])
    if particle is None:
        return False
    # 先輩の千葉が, but not 先生方が: a word run into the relation is part of it.
    if related:
        return True
    if start > 0 and norm[start - 1] not in _CLAUSE_OPENERS:
        return False
    # 岡本にスクショを送った: someone is given pictures or messages.
    if particle.group() == "に" and _GIVEN_TO_SOMEONE.match(norm, end + 1):
        return True
    if particle.group() not in ("が", "に"):
        return False
    # The first verb after the word is the one it governs: 森が…秘密をばらした is a person,
    # 森が燃えている写真を投稿した is not; 岡本に言われて is, 長野に旅行した時の…使われた is not.
    after = end + particle.end()
    index = bisect.bisect_left(tokens, after, key=lambda token: token.start)
    for position in range(index, len(tokens)):
        verb = tokens[position]
        if verb.start - after > 20 or norm[verb.start] in _SENTENCE_END:
            return False
        if verb.pos[0] != "動詞":
            continue
        if not _PERSON_ACTION.search(norm, after, verb.end):
            return False
        if particle.group() == "が":
            return True
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        return following is not None and norm[following.start : following.end] in _PASSIVE_MARKS
    return False


# A title after a name (山岸店長, 鳥居知事): the word before it is a name when it could be one.
_TITLES = (
    "店長|副店長|社長|副社長|会長|部長|課長|係長|所長|院長|園長|校長|教頭|知事|市長|町長|村長|区長"
    "|議員|監督|コーチ|選手|先生|先輩|教諭|主任|理事長|署長|さん|氏"
)
_BEFORE_TITLE = re.compile(f"(?<![{_KANJI}])([{_KANJI}]{{1,4}})(?:{_TITLES})")
_KATAKANA_RUN = re.compile(f"(?<![{_KATAKANA}A-Za-z])[{_KATAKANA}]{{2,10}}(?![{_KATAKANA}A-Za-z])")
_HIRAGANA_AFTER_RELATION = re.compile(
    f"(?:{_RELATIONS}|クラス|部活|ゼミ|塾|バイト先)の([{_HIRAGANA}]{{2,6}}?)"
    "(?=ちゃん|くん|さん|って|という|から|には|とは|が|に|と|は|も|を|、|。|\\(|（)"
)
_NOT_HIRAGANA_NAMES = _words(
    """
    こと もの ひと かた ほう ため ところ うち なか あと まえ ほか みんな みな ため せい おかげ
    ひとり ふたり たち ども かぞく おや おとな こども あいだ まわり よう わけ はず つもり とき
    ころ ぶん など あたり へん がわ かお からだ いえ へや いう ような ように
    """
)
# Named in a role: 加害者は杉本（同じクラス）, 相手は大塚という上級生.
_ROLE_SLOT = re.compile(
    "(?:加害者|加害生徒|加害児童|相手|犯人|主犯|差出人|送り主|投稿者|首謀者|書き込んだ人|送信者"
    "|相談者|被害者|被害生徒|投稿主|中心人物|中心|リーダー格"
    # A cleft names who did it: 投稿したのはアキラ、拡散したのはすずだよ.
    f"|(?:した|った|いた|んだ|てた|られた|された)の|{_RELATIONS})"
    "(?:は|が|:|：)[、\\s]?"
    f"([{_KANJI}]{{1,4}}|[{_KATAKANA}]{{2,10}}|[{_HIRAGANA}]{{2,6}})"
    "(?=\\s?[(（、。,]|という|って|で(?:す)?|だ|じゃ|と|\\s?\\(|$)"
)
# A person's note in brackets: 相談者（ゆいな）, 被害生徒（ミナ）.
_BRACKETED_PERSON = re.compile(
    "(?:相談者|被害者|加害者|被害生徒|加害生徒|本人|相手|投稿者"
    f"|{_RELATIONS})"
    f"[(（]([{_KATAKANA}]{{2,10}}|[{_HIRAGANA}]{{2,6}})[)）]"
)
# Romaji written as Japanese names are (Taro, Yamada): syllables of Hepburn romanisation.
_ROMAJI_WORD = re.compile(
    "(?:(?:[kgszjtdnhbpmyrwfc]|sh|ch|ts|ky|gy|ny|hy|by|py|my|ry)?[aiueo]{1,2}h?n?|nn?)+",
    re.IGNORECASE,
)
_NOT_ROMAJI_NAMES = _words(
    """
    Nintendo Yahoo Toyota Honda Sony Mizuho Mitsubishi Sumitomo Hitachi Nikon Canon Suzuki
    Yamaha Kawasaki Mazda Subaru Daihatsu Rakuten Mercari Sakura Tokyo Osaka Kyoto Nagoya Gifu
    Kobe Japan Line Anime Manga Kawaii Emoji Karaoke Sushi Ramen Tinder Pairs Omiai Tapple
    Mono Game Pokemon Minecraft Roblox Apex Valorant Zoom Mate Note Pixiv Ameba Mixi Gree Mobage
    Youtube Niconico Tiktok Uber Amazon
    """
)
_LATIN_PAIR = re.compile(
    r"(?<![A-Za-z0-9@._/#\-])([A-Z][a-z]{1,15}) ([A-Z][a-z]{1,15})(?![A-Za-z0-9@])"
)
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9@._/#\-])([A-Z][a-z]{1,15}|[A-Z]{3,15})(?![A-Za-z0-9@])")
# An organisation, school, temple, shrine or place whose name starts with a surname.
_ORGANISATION_WORDS = (
    "製薬|製作所|製菓|工業|建設|商事|商店|産業|電機|電器|運輸|銀行|証券|保険|物産|興業|工務店"
    "|株式会社|有限会社|ホールディングス|グループ|財団|法人|組合|協会|事務所|法律事務所|歯科|医院"
    "|病院|クリニック|薬局|眼科|内科|外科|皮膚科|耳鼻科|小児科|整骨院|接骨院|寺|院|神社|大社|神宮|宮|八幡|稲荷|教会|小学校|中学校|高校|高等学校"
    "|大学|短大|学園|学院|高専|幼稚園|保育園|保育所|こども園|塾|書店|食堂|旅館|ホテル|駅|町|村"
    "|地区|丁目|公園|公民館|図書館|会館|ホール|センター|通り|橋|川|トンネル|インター|商店街|団地"
    "|ビル|線|署|交番|役場|役所|市役所|区役所|城|温泉|高原|湖|港|岬|山|峠|記念館|美術館|博物館|資料館"
    "|食品|化学|化成|海運|薬品|水産|物流|精工|技研|通信|電力|電工|鉄道|交通|不動産|住宅|農園|牧場"
    "|酒造|醸造|印刷|出版|放送|製紙|石油|繊維|紡績|自動車|重工|工房|商会|百貨店|専門学校|看護"
    "|観音|堂|霊園|ファーマ|フーズ|ホーム|マート|ストア|ハウス|ファーム|モータース|遊歩道|並木|堤防"
    "|沿い|跡|一帯|界隈|流域|河畔|湖畔|うどん|そば|ラーメン|屋|亭|庵|の里|の欄干|のたもと"
)
_ORGANISATION_AFTER = re.compile(f"^(?:{_ORGANISATION_WORDS})")
_PLACE_BEFORE = re.compile("(?:大字|小字|字|株式会社|\\(株\\)|有限会社)$")
# The end of a longer proper noun a name-like word sits in (千代保稲荷神社, 霞間ヶ渓, 杉原千畝記念館).
_PROPER_NOUN_END = re.compile(
    f"(?:{_ORGANISATION_WORDS}|記念館|美術館|博物館|資料館|文学館|渓|峡|谷|滝|岳|峰|池|沼"
    "|浜|島|崎|湾|浦|ダム|古墳|遺跡|庭園|桜|祭り?)$"
)
_SPAN_ORGANISATION_END = re.compile(
    "(?:寺|神社|大社|神宮|教会|学校|病院|会館|観音堂|地蔵堂|薬師堂)$"
)
# A name-like span that itself ends in an organisation's word (ヤマト運輸) is that organisation.
_LONG_ORGANISATION_END = re.compile(
    "(?:" + "|".join(word for word in _ORGANISATION_WORDS.split("|") if len(word) >= 2) + ")$"
)
_RUN_CHARS = re.compile(f"[{_KANJI}{_KATAKANA}ヶノ]")
_TITLE_AFTER = re.compile(f"^(?:{_TITLES})")


class _TokensAt(dict[tuple[int, int], _Token]):
    """The tokens by their span, and where SudachiPy begins a person's name."""

    person_starts: frozenset[int] = frozenset()


def _tokens_at(tokens: list[_Token]) -> _TokensAt:
    """Return the tokens by their span; the readers of one text share one (kept per thread)."""
    cached = getattr(_local, "tokens_at", None)
    if cached is not None and cached[0] is tokens:
        return cached[1]
    tokens_at = _TokensAt(((token.start, token.end), token) for token in tokens)
    tokens_at.person_starts = frozenset(token.start for token in tokens if token.is_person_name)
    # The list itself is kept with its index, so its id cannot be reused while cached.
    _local.tokens_at = (tokens, tokens_at)
    return tokens_at


def _is_katakana_common(
    word: str,
    tokens_at: _TokensAt,
    span: tuple[int, int],
    *,
    places: bool = True,
) -> bool:
    """Return whether a katakana word is a thing, a place (unless places=False) or a firm."""
    if word in _KATAKANA_COMMON or _SNS_WORD.fullmatch(word):
        return True
    if not tokens_at:
        return False
    token = tokens_at.get(span)
    if token is not None and token.pos[0] != "名詞":
        return True
    if token is None:
        # Not one word: part of a longer one (口コミサイト) or several that are not a name.
        return span[0] not in tokens_at.person_starts
    kinds = ("地名", "組織") if places else ("組織",)
    return (
        not token.is_person_name
        and token.pos[0] == "名詞"
        and (token.pos[1] == "普通名詞" or token.pos[2] in kinds)
    )


def _title_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return the names before a title: 山岸店長, 大野社長, 鳥居知事."""
    by_end = {token.end: token for token in tokens}
    spans = []
    for match in _BEFORE_TITLE.finditer(norm):
        start, end = match.span(1)
        token = by_end.get(end)
        if token is None or token.start < start:
            continue
        word = norm[token.start : end]
        if _is_role(word) or token.pos[2] == "地名":
            continue
        if token.is_person_name or _could_be_surname(word):
            spans.append((token.start, end))
    return spans


# A katakana word someone's mother, post or account belongs to is someone: ミホの母親.
_POSSESSOR_AFTER = re.compile(
    "の(?:母親|父親|母|父|兄|姉|弟|妹|家|親|保護者|投稿|アカウント|裏アカ|写真|動画|彼氏|彼女|友達"
    "|友人|グループ|ストーリー|インスタ|ツイート|ポスト|せい|こと(?:を|が|は|で|も))|を中心に"
)
_OBJECT_OF_AN_ACT = re.compile(f"を(?:[^。、]{{0,8}}?)(?:{_PERSON_ACTION.pattern}|怖が|避け|責め)")
_BRACKETED_LIST = re.compile(
    # Bounded, and from the first numeral only: a run of digits must not be tried from each.
    "(?:(?<![0-9一二三四五六七八九十])[0-9一二三四五六七八九十]{1,4}(?:人|名)|男子|女子|生徒|友達|メンバー)"
    "[(（]([^()（）「」]{2,40})[)）]"
)
_QUOTED_HANDLE = re.compile(
    "(?:アカウント|ユーザー|ユーザ|名前|ニックネーム|あだ名|あだな|ハンドルネーム|表示名)(?:名)?"
    f"(?:は|の|:)?[「『]([{_HIRAGANA}{_KATAKANA}{_KANJI}ー]{{2,12}})[」』]"
)


def _katakana_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return katakana words in a person's place that the dictionary does not read as a thing."""
    tokens_at = _tokens_at(tokens)
    spans = []
    for match in _KATAKANA_RUN.finditer(norm):
        word = match.group()
        if _is_katakana_common(word, tokens_at, match.span()):
            continue
        start, end = match.span()
        before = norm[max(0, start - 10) : start]
        if (
            _in_person_context(norm, start, end)
            or _GROUP_BEFORE.search(before)
            or _POSSESSOR_AFTER.match(norm, end)
            or (_could_be_name(word) and _OBJECT_OF_AN_ACT.match(norm, end))
        ):
            spans.append((start, end))
    return spans


_KATAKANA_FULL_NAME = re.compile(
    f"(?<![{_KATAKANA}])[{_KATAKANA}]{{2,10}}・[{_KATAKANA}]{{2,10}}(?![{_KATAKANA}])"
)
_HIRAGANA_AFTER_AND = re.compile(
    f"と([{_HIRAGANA}]{{2,6}}?)(?=(?:くん|ちゃん|さん)?(?:が|に|から|は|も|を|の|、))"
)


def _katakana_full_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return katakana names in two parts that SudachiPy both reads as names: ジョン・レノン."""
    tokens_at = _tokens_at(tokens)
    spans = []
    for match in _KATAKANA_FULL_NAME.finditer(norm):
        first = match.group().split("・")[0]
        start, end = match.span()
        middle = start + len(first)
        parts = (tokens_at.get((start, middle)), tokens_at.get((middle + 1, end)))
        if all(part is not None and part.is_person_name for part in parts) or _in_person_context(
            norm, start, end
        ):
            spans.append((start, end))
    return spans


def _hiragana_joined(
    norm: str, tokens: list[_Token], found: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return a hiragana name joined by と to a name found: こうへいとだいきが."""
    ends = {end for _, end in found}
    spans = []
    for match in _HIRAGANA_AFTER_AND.finditer(norm):
        start, end = match.span(1)
        word = match.group(1)
        if match.start() not in ends or word in _NOT_HIRAGANA_NAMES or word in _NOT_KANA_NAMES:
            continue
        if word in _KANA_GIVEN_NAMES:
            spans.append((start, end))
            continue
        # Where SudachiPy ends a word, without the copula after it (ゆいとで), and holding no
        # verb: と then なっており is no name.
        inside = [token for token in tokens if start <= token.start < end]
        if not inside or inside[-1].end != end:
            continue
        while len(inside) > 1 and inside[-1].pos[0] in ("助詞", "助動詞"):
            inside.pop()
        if not {token.pos[0] for token in inside} & {"動詞", "助動詞", "形容詞"}:
            spans.append((start, inside[-1].end))
    return spans


def _listed_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return the names listed in brackets after a count of people: 男子3人（ケンタ、ソウマ）.

    Once one item reads as a name, the others in the list are names too.
    """
    tokens_at = _tokens_at(tokens)
    spans = []
    for match in _BRACKETED_LIST.finditer(norm):
        position = match.start(1)
        items: list[tuple[int, int]] = []
        named = False
        for item in re.split("([、,・/])", match.group(1)):
            start, end = position, position + len(item)
            position = end
            if not item or item in "、,・/":
                continue
            if _KATAKANA_RUN.fullmatch(item):
                if item in _KATAKANA_COMMON:
                    continue
                items.append((start, end))
                named = named or not _is_katakana_common(
                    item, tokens_at, (start, end), places=False
                )
            elif _KANJI_WORD.fullmatch(item) and not _is_role(item):
                items.append((start, end))
                named = named or _could_be_name(item)
            elif _HIRAGANA_CHAR.match(item) and len(item) <= 6:
                items.append((start, end))
                named = named or item in _KANA_GIVEN_NAMES
        if named:
            spans.extend(items)
    return spans


def _quoted_handles(norm: str) -> list[tuple[int, int]]:
    """Return the names an account or a nickname is given in quotes: アカウント「ゆみか」."""
    spans = []
    for match in _QUOTED_HANDLE.finditer(norm):
        word = match.group(1)
        if _PSEUDONYM_MARK.match(word[0]) and len(word) <= 2:
            continue
        spans.append(match.span(1))
    return spans


_HIRAGANA_NAMED = re.compile(
    f"(?:^|(?<=[。、「『 ]))([{_HIRAGANA}]{{2,6}})(?=という名前|って名前|っていう名前|と名乗|という(?:男|女)の子)"
)


def _hiragana_after_relation(norm: str) -> list[tuple[int, int]]:
    """Return hiragana words named by a relation (友達のあおばが) or as a name (そらという名前)."""
    spans = [
        match.span(1)
        for match in _HIRAGANA_NAMED.finditer(norm)
        if match.group(1) not in _NOT_HIRAGANA_NAMES
    ]
    for match in _HIRAGANA_AFTER_RELATION.finditer(norm):
        word = match.group(1)
        if word in _NOT_HIRAGANA_NAMES or word in _NOT_KANA_NAMES or word[0] in "おご":
            continue
        spans.append(match.span(1))
    return spans


_NAME_DELIMITER = re.compile("\\s?[(（、。,]|という|って|で|と|だ|じゃ|$")
# Where a name pieced together by hand may end (not と or で: あおいとのこと is no name).
_STRONG_NAME_DELIMITER = re.compile("\\s?[(（、。,]|だ|です|じゃ|って|という|$")
_VERB_ENDINGS = ("ない", "たい", "ます", "った", "てる", "いる", "れる", "する")
_NOT_IN_A_NAME = frozenset({"動詞", "助動詞", "形容詞", "助詞", "副詞", "代名詞", "連体詞"})


def _hiragana_word_end(norm: str, tokens: list[_Token], start: int, end: int) -> int:
    """Return where a hiragana name that starts at start ends (at most end), or -1.

    The name ends where SudachiPy ends a word, before a delimiter, and holds no verb,
    particle or other word that a name does not (わからないとのこと, あおいとのこと).
    """
    if not tokens:
        return end
    starts = {token.start for token in tokens}
    ends = {token.end for token in tokens}
    if start not in starts:
        return -1
    for candidate in range(end, start + 1, -1):
        if candidate not in ends or not _NAME_DELIMITER.match(norm, candidate):
            continue
        index = bisect.bisect_left(tokens, start, key=lambda token: token.start)
        inside = []
        while index < len(tokens) and tokens[index].start < candidate:
            inside.append(tokens[index].pos[0])
            index += 1
        # ゆうと（同じ部活）: a word with a note in brackets after it is named, whatever
        # SudachiPy reads in it; before a stop, a particle it reads inside is the name's.
        if norm[candidate : candidate + 1] == "(":
            return candidate
        allowed = {"助詞"} if norm[candidate : candidate + 1] in "、。," else set()
        if candidate < len(norm) and not (set(inside) & (_NOT_IN_A_NAME - allowed)):
            return candidate
        if candidate == len(norm) and not (set(inside) & _NOT_IN_A_NAME):
            return candidate
    return -1


def _role_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return the word named in a role: 加害者は杉本（同じクラス）, 相手はトモヤ、…"""
    tokens_at = _tokens_at(tokens)
    starts = {token.start: token for token in tokens}
    spans = []
    for match in _ROLE_SLOT.finditer(norm):
        start, end = match.span(1)
        word = match.group(1)
        if _KANJI_CHAR.match(word[0]):
            if _is_role(word) or not tokens:
                continue
            token = starts.get(start)
            if token is None:
                continue
            whole = tokens_at.get((start, end))
            if whole is not None and not (whole.is_person_name or _could_be_surname(word)):
                continue
            # 中野颯: a surname SudachiPy reads as a place, then a given name it cannot read.
            if whole is None and not (
                token.is_person_name or _could_be_surname(norm[token.start : token.end])
            ):
                continue
        elif _HIRAGANA_CHAR.match(word[0]):
            read_end = _hiragana_word_end(norm, tokens, start, end)
            if read_end < 0 and tokens:
                # SudachiPy may cut an unknown name into pieces (あ・や・ね): then the name is
                # the shortest word before a delimiter that the dictionary lets be a name.
                read_end = next(
                    (
                        candidate
                        for candidate in range(start + 2, end + 1)
                        if _STRONG_NAME_DELIMITER.match(norm, candidate)
                        and not norm[start:candidate].endswith(_VERB_ENDINGS)
                        and _kana_word_could_be_name(norm[start:candidate])
                    ),
                    -1,
                )
            end = read_end
            word = norm[start:end]
            if end < 0 or word in _NOT_HIRAGANA_NAMES or word in _NOT_KANA_NAMES:
                continue
        else:
            # A katakana word here must be one the dictionary knows as a name (ユウキ, リオ):
            # オンラインゲーム after 息子が is a thing.
            whole = tokens_at.get((start, end))
            known = _could_be_name(word) or (whole is not None and whole.is_person_name)
            if _is_katakana_common(word, tokens_at, (start, end)) or (tokens and not known):
                continue
        spans.append((start, end))
    return spans


def _bracketed_people(norm: str) -> list[tuple[int, int]]:
    """Return a kana word in brackets after a word for a person: 相談者（ゆいな）."""
    spans = []
    for match in _BRACKETED_PERSON.finditer(norm):
        word = match.group(1)
        if word in _NOT_HIRAGANA_NAMES or word in _KATAKANA_COMMON or _SNS_WORD.fullmatch(word):
            continue
        spans.append(match.span(1))
    return spans


# A kana word opening a clause, then a particle: なおやとけいごに…取られた, ことねのアカウント.
_CLAUSE_START = re.compile(f"(?:^|(?<=[。、！？!?\n「『（( ]))(?=[{_HIRAGANA}{_KATAKANA}])")
_SUBJECT_PARTICLE = re.compile("(?:から|って|との|には|とは|が|は|に|と|も|の|を)")
# Inside a clause a kana word begins after a particle (全員でゆうなを, 私はりくと) or where
# katakana begins (みんなでソウマを).
_KATAKANA_START = re.compile(f"(?<![{_KATAKANA}{_KANJI}A-Za-z0-9])(?=[{_KATAKANA}])")
_INNER_PARTICLES = frozenset("がではにとも")
# What follows との or の when the word before is someone: ことねのアカウント, あかりとのトーク.
_WITH_SOMEONE_AFTER = re.compile(
    "(?:トーク|LINE|ライン|やりとり|やり取り|会話|DM|関係|写真|動画|画像|投稿|アカウント|アカ|裏アカ)"
)
# What one does with someone: りくと付き合っていた, ケイタとLINEしていた.
_TOGETHER_AFTER = re.compile(
    "(?:付き合|つきあ|喧嘩|けんか|ケンカ|遊|話|会っ|会う|LINE|DM|通話|連絡|別れ|揉め|もめ)"
)
_PERSONAL_POSSESSION = re.compile(
    "の(?:母親|父親|母|父|兄|姉|弟|妹|家|親|保護者|投稿|写真|動画|彼氏|彼女|友達|友人|ストーリー"
    "|ツイート|せい|こと(?:を|が|は|で|も))"
)
# Parts of speech a kana word may be read as and still be a given name (あかり, すず, あおい).
_NAME_LIKE_POS = frozenset({"名詞", "動詞", "形容詞", "助動詞"})


_TRAILING_PARTICLE = re.compile("(?:から|まで|より|だけ|しか|ばかり|さえ|など|とか|か|も|は)$")


def _kana_word_could_be_name(word: str) -> bool:
    """Return whether a kana word opening a clause may be a given name, by the dictionary.

    A word it does not know (なおや, ことね, ゆいぴ) may; one it knows as a name may; a common
    word may when its katakana spelling is a name (あかり: アカリ); a pronoun, adverb,
    conjunction or interjection (それ, もう, でも, ねえ) may not.
    """
    if word in _NOT_HIRAGANA_NAMES or word in _NOT_KANA_NAMES or word in _KATAKANA_COMMON:
        return False
    # みなさん, ばあちゃん: a word with its title is read (or not) by _kana_titled_names.
    if _KANA_TITLE.search(word):
        return False
    # だれか, おとなから: a pronoun or a common word with a particle after it.
    particle = _TRAILING_PARTICLE.search(word)
    if particle and particle.start() >= 2:
        stem = word[: particle.start()]
        stem_pos = {entry.part_of_speech()[0] for entry in _dictionary().lookup(stem)}
        if stem in _NOT_HIRAGANA_NAMES or stem in _NOT_KANA_NAMES or stem_pos - _NAME_LIKE_POS:
            return False
    if _could_be_name(word):
        return True
    entries = [entry.part_of_speech() for entry in _dictionary().lookup(word)]
    if not entries:
        return True
    if any(pos[0] not in _NAME_LIKE_POS for pos in entries):
        return False
    if _HIRAGANA_CHAR.match(word):
        return _could_be_name(_to_katakana(word))
    # A katakana word the dictionary knows only as something else (クラス) is that thing.
    return False


@lru_cache(maxsize=4096)
def _is_function_word(word: str) -> bool:
    """Return whether the dictionary reads the word as other than a noun: すでに, それから."""
    entries = [entry.part_of_speech()[0] for entry in _dictionary().lookup(word)]
    return bool(entries) and all(pos != "名詞" for pos in entries)


def _read_as_nouns(tokens: list[_Token], start: int, end: int) -> bool:
    """Return whether SudachiPy reads norm[start:end] as nouns only, ending where it ends."""
    index = bisect.bisect_left(tokens, start, key=lambda token: token.start)
    inside = []
    while index < len(tokens) and tokens[index].start < end:
        inside.append(tokens[index])
        index += 1
    return (
        bool(inside)
        and inside[0].start == start
        and inside[-1].end == end
        and all(token.pos[0] == "名詞" for token in inside)
    )


@lru_cache(maxsize=4096)
def _is_word(word: str) -> bool:
    return bool(_dictionary().lookup(word))


def _clause_subject_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return kana words that open a clause and stand where a person does.

    The word ends before the first particle after which the clause reads as about a person:
    a person's act (が…流した, に…取られた), something a person owns or shares (のアカウント,
    とのトーク), or another name joined by と. Only with SudachiPy (its dictionary tells a
    name from a pronoun or an adverb).
    """
    if not tokens:
        return []
    tokens_at = _tokens_at(tokens)
    clause_starts = {opening.start() for opening in _CLAUSE_START.finditer(norm)}
    starts = set(clause_starts)
    starts.update(opening.start() for opening in _KATAKANA_START.finditer(norm))
    starts.update(
        following.start
        for previous, following in itertools.pairwise(tokens)
        if previous.pos[0] == "助詞"
        and norm[previous.start : previous.end] in _INNER_PARTICLES
        and previous.end == following.start
        and _HIRAGANA_CHAR.match(norm[following.start])
    )
    spans = []
    for start in sorted(starts):
        inner = start not in clause_starts
        script = _HIRAGANA if _HIRAGANA_CHAR.match(norm[start]) else _KATAKANA
        run_end = start
        while (
            run_end < len(norm) and run_end - start < 6 and re.match(f"[{script}]", norm[run_end])
        ):
            run_end += 1
        for end in range(start + 2, run_end + 1):
            word = norm[start:end]
            # A katakana word is the whole run, and not a thing the dictionary knows (クラス).
            # A word SudachiPy's dictionary does not hold (ユイナ: it guesses a common noun)
            # is no thing it knows.
            if script == _KATAKANA and (
                end != run_end
                or (_is_katakana_common(word, tokens_at, (start, end)) and _is_word(word))
            ):
                continue
            # しずく店長: before a title any kana word that is not a function word is a name.
            title = _TITLE_AFTER.match(norm[end : end + 6])
            if (
                title
                and title.group() not in ("さん", "氏")
                and word not in _NOT_HIRAGANA_NAMES
                and word not in _NOT_KANA_NAMES
                and not _KANA_TITLE.search(word)
                and not _is_function_word(word)
            ):
                spans.append((start, end))
                break
            particle = _SUBJECT_PARTICLE.match(norm, end)
            if particle is None:
                continue
            with_particle = norm[start : particle.end()]
            if not _kana_word_could_be_name(word) or _is_function_word(with_particle):
                continue
            # Inside a clause, only an object or a subject of a person's act, and in hiragana
            # only a word the dictionary does not hold or holds as a name.
            if inner and (
                particle.group() not in ("を", "が", "と", "に", "の")
                or (
                    script == _HIRAGANA
                    and (
                        (_is_word(word) and not _could_be_name(word))
                        or not _read_as_nouns(tokens, start, end)
                    )
                )
            ):
                continue
            # こども is no name and も: a one-kana particle that ends a known word is that word's.
            if len(particle.group()) == 1 and particle.group() != "が" and _is_word(with_particle):
                continue
            after = particle.end()
            kind = particle.group()
            if kind in ("の", "との") and script == _KATAKANA and not _could_be_name(word):
                # ポケポケのアカウント is a game's: a katakana word the dictionary does not know
                # as a name owns only what a person has (ユイナの投稿, …の母親).
                personal = bool(_PERSONAL_POSSESSION.match(norm, end))
            elif kind in ("の", "との"):
                personal = bool(_WITH_SOMEONE_AFTER.match(norm, after)) or bool(
                    _POSSESSOR_AFTER.match(norm, end)
                )
            elif kind == "と":
                # いちかとりおが: two words that may both be names, joined as a subject.
                other = re.match(
                    f"([{script}]{{2,6}}?)(?:が|に|は|から|の)", norm[after : after + 9]
                )
                personal = (other is not None and _kana_word_could_be_name(other.group(1))) or bool(
                    _TOGETHER_AFTER.match(norm, after)
                )
            else:
                personal = kind != "と" and bool(
                    _PERSON_ACTION.search(_clause_after(norm, after, 20))
                )
            if personal:
                spans.append((start, end))
                break
    return spans


# Whatever opens a clause before と名乗る or という名前 is a name: 翼と名乗る, ミキ子と名乗る.
_SELF_NAMED = re.compile(
    f"(?:^|(?<=[。、「『 \\nはが]))([{_KANJI}{_KATAKANA}]{{1,6}}|[{_HIRAGANA}]{{2,6}}"
    f"|[{_KATAKANA}]{{1,3}}[{_KANJI}]|[{_HIRAGANA}]{{2,3}}[{_KANJI}])"
    "(?=と名乗|を名乗|という名前|って名前|っていう名前|と名のる)"
)
# A reading in brackets after a name: 今井 陽向（いまい・ひなた）, 村井彩花（むらい あやか）.
_READING_AFTER = re.compile(
    f"[(（]([{_HIRAGANA}{_KATAKANA}]{{1,10}}(?:[ ・]?[{_HIRAGANA}{_KATAKANA}]{{1,10}})?)[)）]"
)
# A surname, then a given name in hiragana: 小川ひなで, 森ゆいが.
_SURNAME_AND_KANA = re.compile(
    f"(?<![{_KANJI}])([{_KANJI}]{{1,3}})([{_HIRAGANA}]{{2,3}})(?=で|が|は|に|と|の|を|も|、|。|\\s?[(（])"
)


_KANJI_BEFORE_AND = re.compile(f"(?<![{_KANJI}])([{_KANJI}]{{1,3}})(?:と|、|や)$")
_KANJI_AFTER_AND = re.compile(
    f"^(?:と|、|や)([{_KANJI}]{{1,3}})(?![{_KANJI}])(?=が|は|に|と|の|を|も|、)"
)


def _kanji_joined(norm: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return a kanji word joined by と to a name found that the dictionary knows as a name:
    凛と陽葵が, 陽葵と凛が."""
    spans = []
    for start, end in found:
        before = _KANJI_BEFORE_AND.search(norm[max(0, start - 4) : start])
        if before and _could_be_name(before.group(1)) and not _is_role(before.group(1)):
            length = len(before.group(1))
            first = start - len(before.group())
            spans.append((first, first + length))
        after = _KANJI_AFTER_AND.match(norm[end : end + 6])
        if after and _could_be_name(after.group(1)) and not _is_role(after.group(1)):
            spans.append((end + after.start(1), end + after.end(1)))
    return spans


def _self_named(norm: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SELF_NAMED.finditer(norm):
        word = match.group(1)
        if _is_role(word) or word in _NOT_HIRAGANA_NAMES or _PSEUDONYM_MARK.match(word[0]):
            continue
        # 公式と名乗る, 事務局と名乗る: a word the dictionary knows, but not as a name, is a
        # pretence of a body, not a person's name.
        if _is_word(word) and not _could_be_name(word) and not _could_be_surname(word):
            continue
        start, end = match.span(1)
        honorific = re.search(f"(?:{_HONORIFIC})$", word)
        spans.append((start, end - (len(honorific.group()) if honorific else 0)))
    return spans


def _readings(norm: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the reading in brackets right after a name found."""
    ends = {end for _, end in found}
    return [
        match.span(1)
        for match in _READING_AFTER.finditer(norm)
        if match.start() in ends or match.start() - 1 in ends
    ]


def _surnames_with_kana_given_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return a surname SudachiPy knows with a hiragana given name after it: 小川ひな.

    The surname must be a whole noun as SudachiPy reads the text (not 伝 of 伝えた, not 原 of
    原っぱ), and the kana must not begin with a particle, an ending or a suffix.
    """
    tokens_at = _tokens_at(tokens)
    by_start = {token.start: token for token in tokens}
    spans = []
    for match in _SURNAME_AND_KANA.finditer(norm):
        surname, given = match.group(1), match.group(2)
        token = tokens_at.get(match.span(1))
        if token is None or token.pos[0] != "名詞" or token.pos[1] == "数詞":
            continue
        following = by_start.get(match.start(2))
        if following is not None and following.pos[0] in ("助詞", "助動詞", "接尾辞", "動詞"):
            continue
        if _is_role(surname) or not _could_be_surname(surname):
            continue
        if _is_function_word(given) or not _kana_word_could_be_name(given):
            continue
        # 森ゆいが is a name; 森から, 林まで, 山田さえ are not (the kana are a particle).
        if (
            _is_word(given)
            and not _could_be_name(given)
            and not _could_be_name(_to_katakana(given))
        ):
            continue
        spans.append(match.span())
    return spans


def _romaji_names(norm: str) -> list[tuple[int, int]]:
    """Return romaji names: two capitalised words that both read as Japanese (Taro Yamada), or
    one in a person's place (友達のYuiが, Shotaに…聞き出された)."""
    spans = []
    for match in _LATIN_PAIR.finditer(norm):
        first, last = match.group(1), match.group(2)
        if (
            _ROMAJI_WORD.fullmatch(first)
            and _ROMAJI_WORD.fullmatch(last)
            and first not in _NOT_ROMAJI_NAMES
            and last not in _NOT_ROMAJI_NAMES
        ):
            spans.append(match.span())
    for match in _LATIN_WORD.finditer(norm):
        word = match.group(1)
        if word in _NOT_ROMAJI_NAMES or _NOT_LATIN_NAMES.match(word):
            continue
        if not _ROMAJI_WORD.fullmatch(word):
            continue
        start, end = match.span(1)
        before = norm[max(0, start - 10) : start]
        if _in_person_context(norm, start, end) or re.search("(?:である|という)$", before):
            spans.append((start, end))
    return spans


# Where a word stands for a person by its place in the sentence: after a relation and の
# (同僚のsuzuki hanako), as a role's value (加害者はRyo（…）), named (…という名前, …名義).
_ROLE_BEFORE = re.compile(
    "(?:加害者|加害生徒|加害児童|相手|犯人|主犯|差出人|送り主|投稿者|首謀者|送信者|本人|相談者|被害者"
    "|被害生徒)(?:は|が|:|・)$"
)
_NAMED_AFTER = re.compile(
    "^[』」]?\\s?(?:という|って|っていう|との)?(?:名前|名義|表記|本名|氏名|表示名)"
    "|^[』」]?\\s?(?:と名乗|を名乗|と呼ば)"
)
# A second word may be in capitals (Hina SATO) or an initial (Sakura I.).
_LATIN_SLOT_WORD = re.compile(
    r"(?<![A-Za-z0-9@._/#\-])([A-Za-z][a-zà-öø-ÿ]{1,15}(?: (?:[A-Za-z][a-zà-öø-ÿ]{1,15}|[A-Z]{2,15}|[A-Z]\.))?"
    r"|[A-Z]{3,15})"
    r"(?![A-Za-z0-9@_])"
)
# A handle that spells a name (yuki.s, kaito_watanabe): romaji, then a dot or an underscore
# and an initial or more romaji.
_NAME_HANDLE = re.compile(
    r"(?<![A-Za-z0-9@._/#\-])([a-z]{2,15}(?:[._][a-z0-9]{1,15}){1,2})(?![A-Za-z0-9@._/\-])"
)
_PERSON_OBJECT_AFTER = re.compile("^(?:を|に)(?:信用|信頼|紹介|好き|怖が|避け|頼|ブロック)")


def _latin_slot_names(norm: str) -> list[tuple[int, int]]:
    """Return Latin words in a person's slot, capitalised or not: 兄のkohei, 相手はRyo（…）.

    A lowercase word counts only when it reads as romaji (kohei, yamada taro), as English
    words in lowercase are things (友達のiphone).
    """
    spans: list[tuple[int, int]] = []
    ends: set[int] = set()
    for match in _LATIN_SLOT_WORD.finditer(norm):
        start, end = match.span(1)
        words = [word.rstrip(".") for word in match.group(1).split(" ")]
        if any(_NOT_LATIN_NAMES.match(word.capitalize()) for word in words):
            continue
        if not all(word[0].isupper() or _ROMAJI_WORD.fullmatch(word) for word in words):
            continue
        before = norm[max(0, start - 12) : start]
        after = norm[end : end + 12]
        # 相手のGmail、: a word that is not romaji stands for a person only as a subject, before
        # a title (Garcia監督) or with a person's note (Olivia Chen（大学1年）).
        if not all(_ROMAJI_WORD.fullmatch(word) for word in words) and not (
            re.match("^(?:が|と|は|から|に(?:言|され|送ら))", after)
            or _PERSON_OBJECT_AFTER.match(after)
            or (_TITLE_AFTER.match(after) and words[0][0].isupper())
            or _PERSON_NOUN_AFTER.match(after)
        ):
            continue
        # Emmaがあの写真持ってる: a capitalised subject doing what people do.
        # (yutoが…載せた: in lowercase, a romaji word opening a clause).
        subject = (
            (
                words[0][0].isupper()
                or (
                    all(_ROMAJI_WORD.fullmatch(word) for word in words)
                    and len(match.group(1)) >= 3
                    and (start == 0 or norm[start - 1] in _CLAUSE_OPENERS)
                )
            )
            and re.match("^(?:が|は)", after) is not None
            and re.search(
                f"{_PERSON_ACTION.pattern}|持って",
                re.split("[」』]", _clause_after(norm, end + 1, 20))[0],
            )
            is not None
            and not any(w.capitalize() in _NOT_ROMAJI_NAMES for w in words)
        )
        # Suzuki部長, 同僚のsuzuki hanako: in a person's slot a maker's name is a surname.
        in_slot = (
            _RELATION_AND_NO_BEFORE.search(before)
            or _GROUP_BEFORE.search(before)
            or _ROLE_BEFORE.search(before)
            or _NAME_LABEL_BEFORE.search(before)
            or _NAMED_AFTER.match(after)
            or (_TITLE_AFTER.match(after) and words[0][0].isupper())
            or _PERSON_NOUN_AFTER.match(after)
            or subject
        )
        beside = _PERSON_OBJECT_AFTER.match(after) or (
            start > 0 and norm[start - 1] in "と、" and start - 1 in ends
        )
        if in_slot or (beside and not any(w.capitalize() in _NOT_ROMAJI_NAMES for w in words)):
            spans.append((start, end))
        if spans and spans[-1] == (start, end):
            ends.add(end)
    for match in _NAME_HANDLE.finditer(norm):
        start, end = match.span(1)
        first, *rest = re.split("[._]", match.group(1))
        if not _ROMAJI_WORD.fullmatch(first) or not all(
            len(part) <= 2 or part.isdigit() or _ROMAJI_WORD.fullmatch(part) for part in rest
        ):
            continue
        if rest[-1] in _TOP_LEVEL_DOMAINS:
            continue
        if _in_person_context(norm, start, end) or re.match(
            "^(?:って|という|っていう)(?:ID|アカ|アカウント|名前|人|子)", norm[end : end + 12]
        ):
            spans.append((start, end))
    return spans


_TOP_LEVEL_DOMAINS = _words("com net org jp co ne or ac go io me info biz tv cc uk us ly app dev")


# A katakana word before a title is a name: スズキ課長, ガルシア校長.
_KATAKANA_BEFORE_TITLE = re.compile(f"(?<![{_KATAKANA}])([{_KATAKANA}]{{2,10}})(?={_TITLES})")


def _katakana_title_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    tokens_at = _tokens_at(tokens)
    spans = []
    for match in _KATAKANA_BEFORE_TITLE.finditer(norm):
        word = match.group(1)
        if not _is_katakana_common(word, tokens_at, match.span(1), places=False):
            spans.append(match.span(1))
    return spans


# Names counted as people: リナ、ミサキ、アヤノの三人, マコトとヒロキの二人, YUTOとSHUNの二人.
_COUNTED_ITEM = (
    f"[{_KATAKANA}]{{2,10}}|[A-Za-z][A-Za-z]{{1,15}}|[{_HIRAGANA}]{{2,5}}|[{_KANJI}]{{1,4}}"
)
_COUNTED_LIST = re.compile(
    f"(?:(?<![{_KATAKANA}{_HIRAGANA}{_KANJI}A-Za-z])|(?<=[はがもをにでの、「『 ])(?=[{_HIRAGANA}])"
    f"|(?<=[{_HIRAGANA}])(?=[{_KATAKANA}A-Za-z]))"
    f"((?:{_COUNTED_ITEM})(?:(?:[、,・]\\s?|と)(?:{_COUNTED_ITEM})){{1,6}})"
    "(?=の(?:[0-9二三四五六七八九十]+|ふた|さん|よ)(?:人|名)|の二人|の三人|ら(?:が|に|から|は|の))"
)


def _counted_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return the items of a list that the sentence counts as people, when each could be a name."""
    tokens_at = _tokens_at(tokens)
    spans = []
    for match in _COUNTED_LIST.finditer(norm):
        position = match.start(1)
        items: list[tuple[int, int]] = []
        named = 0
        # ひろと、かいせい: with commas, a と inside an item is part of a name.
        separator = "([、,・]\\s?)" if re.search("[、,・]", match.group(1)) else "(と)"
        for item in re.split(separator, match.group(1)):
            start, end = position, position + len(item)
            position = end
            if item.strip() in ("、", ",", "・", "と"):
                continue
            if not item:
                break
            if _KATAKANA_RUN.fullmatch(item):
                # ケンタ、リョウ、ショウの三人: a word that is also a thing (ショウ) is named here.
                ok = item not in _KATAKANA_COMMON and not _SNS_WORD.fullmatch(item)
                named += _could_be_name(item) or not _is_katakana_common(
                    item, tokens_at, (start, end), places=False
                )
            elif item.isascii():
                ok = not (_NOT_LATIN_NAMES.match(item) or item.capitalize() in _NOT_ROMAJI_NAMES)
                ok = ok and (item[0].isupper() or bool(_ROMAJI_WORD.fullmatch(item)))
                named += ok
            elif _HIRAGANA_CHAR.match(item):
                ok = item not in _NOT_HIRAGANA_NAMES and item not in _NOT_KANA_NAMES
                named += ok
            else:
                ok = not _is_role(item) and (_could_be_surname(item) or _could_be_name(item))
                named += ok
            if not ok:
                break
            items.append((start, end))
        else:
            if 2 * named >= len(items):
                spans.extend(items)
    return spans


def _joined_names(
    norm: str, tokens: list[_Token], found: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the other members of a list of names (トモヤ、ハルト、ケイ; 中川、堀、服部)."""
    tokens_at = _tokens_at(tokens)
    starts = {start for start, _ in found}
    ends = {end for _, end in found}
    spans: list[tuple[int, int]] = []
    for _ in range(3):
        added = False
        for match in _KATAKANA_RUN.finditer(norm):
            start, end = match.span()
            if (start, end) in spans or start in starts:
                continue
            beside = (start > 0 and norm[start - 1] in "、・と" and start - 1 in ends) or (
                norm[end : end + 1] in ("、", "・") and end + 1 in starts
            )
            word = match.group()
            if beside and (
                not _is_katakana_common(word, tokens_at, (start, end), places=False)
                or (word not in _KATAKANA_COMMON and _could_be_name(word))
            ):
                spans.append((start, end))
                starts.add(start)
                ends.add(end)
                added = True
        if not added:
            break
    return spans


def _not_a_person(norm: str, start: int, end: int) -> bool:
    """Return whether a name-like word is part of an organisation, school, temple or place."""
    after = norm[end : end + 8]
    if _HONORIFIC_AFTER.match(after) or _TITLE_AFTER.match(after):
        return False
    if _SPAN_ORGANISATION_END.search(norm, start, end):
        return True
    suffix = _LONG_ORGANISATION_END.search(norm, start, end)
    if suffix and suffix.start() > start:
        return True
    run_start, run_end = start, end
    while run_start > 0 and start - run_start < 12 and _RUN_CHARS.match(norm[run_start - 1]):
        run_start -= 1
    while run_end < len(norm) and run_end - end < 12 and _RUN_CHARS.match(norm[run_end]):
        run_end += 1
    if (run_start, run_end) != (start, end) and _PROPER_NOUN_END.search(norm, run_start, run_end):
        return True
    return bool(
        _ORGANISATION_AFTER.match(after) or _PLACE_BEFORE.search(norm[max(0, start - 5) : start])
    )


def _person_names(norm: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = sorted(
        _honorific_names(norm, tokens)
        + _latin_names(norm)
        + _romaji_names(norm)
        + _kana_names(norm)
        + _kana_titled_names(norm, tokens)
        + _tagged_names(norm, tokens)
        + _unknown_names(norm, tokens)
        + _title_names(norm, tokens)
        + _katakana_names(norm, tokens)
        + _hiragana_after_relation(norm)
        + _role_names(norm, tokens)
        + _listed_names(norm, tokens)
        + _quoted_handles(norm)
        + _katakana_full_names(norm, tokens)
        + _latin_slot_names(norm)
        + _katakana_title_names(norm, tokens)
        + _counted_names(norm, tokens)
        + _bracketed_people(norm)
        + _self_named(norm)
        + _clause_subject_names(norm, tokens)
    )
    spans = sorted(spans + _surname_words(norm, tokens, spans))
    spans = sorted(spans + _joined_names(norm, tokens, spans))
    spans = sorted(spans + _hiragana_joined(norm, tokens, spans))
    if tokens:
        spans = sorted(spans + _surnames_with_kana_given_names(norm, tokens))
    if tokens:
        spans = sorted(spans + _kanji_joined(norm, spans))
    spans = sorted(spans + _readings(norm, spans))
    spans = [(start, end) for start, end in spans if not _not_a_person(norm, start, end)]
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        # ケンジ・Smith, Taro Yamada: parts of one name joined by ・ or a space are one span.
        if merged and (
            start <= merged[-1][1] or (start == merged[-1][1] + 1 and norm[start - 1] in "・ ")
        ):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
