"""Find the words in a narrative that should prompt the urgent flags, while the counsellor types.

``find_crisis(text)`` returns findings whose ``kind`` is the code a phrase prompts: the flag
``suicidal`` (死にたい, 消えたい, いなくなりたい …), the flag ``imminent_danger`` (殺す, 家に行く,
住所を晒してやる …) or the category ``threat`` (threats, and sextortion: 画像をばらまく with a
demand for money or more images). It reads the same analysis as the personal-data guard
(cases.pii.analyse: one normalisation and one SudachiPy pass), so the live check reads the
text once. A phrase that is denied (希死念慮は確認されず, 死にたいとは思っていない) prompts
nothing; hyperbole (死にたいほど恥ずかしかった) does, as a gatekeeper asks rather than assumes.
Nothing is set from here: the counsellor confirms or declines each prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases import pii

SUICIDAL = "suicidal"
IMMINENT_DANGER = "imminent_danger"
THREAT = "threat"
KINDS = (SUICIDAL, IMMINENT_DANGER, THREAT)
# Where each code is ticked on the intake form.
FIELD_OF_KIND = {SUICIDAL: "flags", IMMINENT_DANGER: "flags", THREAT: "categories"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


_SUICIDAL = re.compile(
    "|".join(
        (
            "(?:死|し|シ|タヒ)(?:に|ニ)(?:たい|タイ|たく(?!ない|ありません|は)|てえ|てー)",
            "死んで(?:しまい|しまえ)?たい",
            "死んだ(?:方|ほう)が(?:まし|マシ|いい|良い|楽)",
            "死ぬ(?:しか|ほか)(?:ない|無い)",
            "死のう(?:と|か)",
            "(?:消え|きえ)(?:たい|たく(?!ない)|てしまいたい|てなくなりたい)",
            "(?:いなく|居なく)なりたい",
            "(?:生き|いき)(?:ていたく|ていく意味|る意味|ている意味|てる意味)",
            "生きて(?:いる|る)の(?:が|も)(?:つらい|辛い|しんどい|苦しい|嫌)",
            "生きて(?:いけない|いけません|いく自信がない)",
            "(?:自分|私|僕|俺|あたし|うち)(?:なんか|なんて|は|が)?(?:いない|居ない)(?:方|ほう)が(?:いい|まし|マシ)",
            "生きるのが(?:つらい|辛い|しんどい|苦しい|嫌)",
            "自殺(?!防止|予防|対策|相談|者数|率|の?ニュース|の?報道|事件|する?シーン|のシーン)",
            "自死|希死念慮|自殺念慮|自傷",
            "(?:自分|自分自身)を傷つけ|(?:腕|手首|手|足|体)を(?:切|傷つけ)",
            "薬を(?:大量に|たくさん|全部|まとめて|一度に)(?:飲|のん)",
            "リスカ|リストカット|アムカ|手首を切",
            "首を(?:吊|つ)",
            "(?:飛び降り|とびおり)(?:たい|る|よう|自殺)",
            "命を(?:絶|断)",
            "楽に(?:なりたい|なれる)",
            "終わりにしたい|終わらせたい",
            "遺書",
            "(?:OD|オーバードーズ|過量服薬)",
            "この世から(?:消え|いなく)",
        )
    )
)
_IMMINENT = re.compile(
    "|".join(
        (
            "(?:殺|ころ|コロ)(?:す(?!のが|ゲーム|シーン)|してやる|したる|されるかも|されそう|される(?:と|前))",
            "(?:刺し|殴り|絞め|撃ち|ぶち|焼き)殺",
            "(?:ナイフ|包丁|刃物|銃|凶器)を持って(?:行く|いく|来る|くる)",
            "(?:家|自宅)の(?:前|近く|外)(?:に|で)(?:いる|来て|来た|待って|待ってる)",
            "ぶっ(?:殺|ころ|コロ)",
            "(?:家|自宅|学校|職場|バイト先)(?:に|まで|へ)(?:行く|いく|押しかけ|乗り込)(?:ぞ|から|からな|ね|と)",
            "(?:今から|これから|今夜|明日)(?:行く|いく)(?:ぞ|から|ね)",
            "(?:家|自宅|住所)(?:を|は|も|、)?(?:知って(?:いる|る)|知ってる|特定した|突き止めた)",
            "(?:住所|家|自宅|実家)(?:を|も)?(?:晒|さら)(?:して|す)(?:やる|ぞ|から|と)",
            "待ち伏せ(?:する|して|される|された|してやる)",
            "(?:刺|さ)して(?:やる|やろう)|刺すぞ|刺すと",
            "(?:燃や|放火)(?:してやる|すぞ|すと|する)",
            "襲(?:う|ってやる|われ)(?:ぞ|と|る|そう|かも)",
            "(?:つきまと|付きまと|ストーカー)",
        )
    )
)
_IMAGE = "(?:画像|写真|動画|裸|ヌード|自撮り|エロ|性的な)"
_SPREAD = "(?:ばらま|バラま|バラマ|拡散|晒|さら|流出|流す|ネットに(?:上げ|載せ|流)|公開|送りつけ|送り付け|ばら)"
_DEMAND = re.compile(
    "[0-9一二三四五六七八九十百千万]+万?円|お金|金を|金銭|払え|払わ|払う|振り込|支払|送金|ギフト"
    "|電子マネー|もっと|追加|他の(?:写真|画像)|別の(?:写真|画像)|さらに|会え"
)
_SEXTORTION = re.compile(f"{_IMAGE}[^。！？!?\\n]{{0,20}}?{_SPREAD}")
_THREAT = re.compile(
    "脅迫|脅さ|脅し|脅され|脅して|脅す|おどさ|おどし|殺害予告|殺人予告|爆破予告|危害を加え"
    "|(?:ばら|バラ|晒|さら|拡散|ばらま|流)(?:す|しちゃう|してやる|く|される)(?:ぞ|からな|よ(?:な|ね)?[」』]|と(?:言|脅|書|送))"
)
# A phrase denied after it (…は確認されず, …とは思っていない, …てはいない) prompts nothing.
_NEGATED_AFTER = re.compile(
    "^[^。！？!?\\n、]{0,10}?(?:は|も|が)?(?:認められ(?:ない|ず|なかった)|確認され(?:ない|ず|なかった)"
    "|見られ(?:ない|ず|なかった)|聞かれ(?:ない|ず|なかった)|否定|なし|無し|ない(?:。|$|、)"
    "|ないと(?:言|話|答|の)|ありません"
    "|(?:とは|って|とまでは)(?:思って|考えて|言って|感じて)(?:い)?(?:ない|ません)"
    "|わけではない|てはいない|てはいません)"
)
_NEGATED_BEFORE = re.compile("(?:^|[。、\\n])(?:なし|無し)[:：]?$")


def _negated(norm: str, end: int) -> bool:
    return bool(_NEGATED_AFTER.match(norm[end : end + 20]))


def _starts_a_word(analysis: pii.Analysis, start: int) -> bool:
    """Return whether a phrase begins where SudachiPy begins a word (when it read the text)."""
    if not analysis.tokens:
        return True
    return start in analysis.token_starts


def find_crisis(text: str, *, analysis: pii.Analysis | None = None) -> list[Finding]:
    """Return the phrases that prompt an urgent code, with offsets into the text as given."""
    if not text:
        return []
    if analysis is None:
        analysis = pii.analyse(text)
    norm = analysis.norm
    spans: list[tuple[str, int, int]] = []
    for kind, pattern in ((SUICIDAL, _SUICIDAL), (IMMINENT_DANGER, _IMMINENT), (THREAT, _THREAT)):
        for match in pattern.finditer(norm):
            start, end = match.span()
            if not _starts_a_word(analysis, start) or _negated(norm, end):
                continue
            spans.append((kind, start, end))
    for match in _SEXTORTION.finditer(norm):
        # The demand may come before or after the threat, within a sentence either side.
        before = max(0, match.start() - 60)
        demands = [
            demand
            for demand in _DEMAND.finditer(norm, before, match.end() + 60)
            if not _negated(norm, demand.end())
        ]
        if demands and not _negated(norm, match.end()):
            spans.append((THREAT, match.start(), match.end()))
    findings: list[Finding] = []
    for kind, start, end in sorted(spans, key=lambda span: (span[1], -span[2])):
        if any(f.kind == kind and f.start <= start < f.end for f in findings):
            continue
        findings.append(Finding(kind, *analysis.normalised.original_span(start, end)))
    return findings
