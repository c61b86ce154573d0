"""Find the words in a narrative that should prompt the urgent flags, while the counsellor types.

``find_crisis(text)`` returns findings whose ``kind`` is the code a phrase prompts: the flag
``suicidal`` (死にたい, 消えたい, いなくなりたい, 生きていても仕方ない …), the flag
``imminent_danger`` (殺す, 家に行く, 家の前にいる, 住所を晒してやる …) or the category ``threat``
(threats, and sextortion: a threat to spread images with a condition or a demand beside it —
拡散されたくなければ…, 払わないと送る). It reads the same analysis as the personal-data guard
(cases.pii.analyse: one normalisation and one SudachiPy pass), so the live check reads the
text once.

A phrase prompts unless the sentence it stands in says otherwise:

- it is denied (希死念慮は確認されず, 脅迫や金銭の要求はなく, 消えたいとかは思わない), or asked
  about (自傷の有無を確認した, 死にたいと思ったことはないか尋ねた) with no yes after it;
- it is told of a story (a scene, a line, a plot, a character), of the news (a report, an
  article, a trial) or of a game (unless the sentence says it is for real: リアルで, 現実に);
- it is in the past and the sentence says it is over (以前…が、今は落ち着いている), or the
  sentence says it is settled whatever the tense (解決済み, 示談が成立) or was mistaken for one
  (脅しかと思ったら…だった);
- it is taught or discussed as a case (授業で, 研修で, 事件について).

Hyperbole (死にたいほど恥ずかしかった) prompts, as a gatekeeper asks rather than assumes; an
idiom that is not about wanting to die (死ぬほど笑った, 寒くて死にそう) does not. Nothing is set
from here: the counsellor confirms or declines each prompt.
"""

from __future__ import annotations

import bisect
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


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns))


# A sentence ends at a stop; a quote's inner stop (『もう限界。明日…』) ends one too.
_SENTENCE = re.compile("[^。！？!?\n]+[。！？!?\n]?")

_SUICIDAL = _any(
    # Wanting to die or to vanish, in any script and colloquial ending.
    # Small kana typed for effect (しにたぃ) and Kansai とう (しにとうなる) included.
    "(?:死|し|シ|タヒ)(?:に|ニ)(?:た[いぃみ]|タ[イィ]|たく(?!ない|ありません|は)|てえ|てぇ|てー|て〜|とう(?:て|な))",
    "タヒ(?:りたい|る(?:しか|わ|ね))",
    "死んで(?:しまい|しまえ)?たい",
    "(?:死|し)んだ(?:方|ほう)が(?:まし|マシ|いい|良い|楽|ええ)",
    "死(?:んだら|ねば|ねたら)(?:楽|全部|みんな|誰も|どう)",
    "死ぬ(?:しか|ほか)(?:ない|無い)",
    "死ぬ(?:つもり|気でいる|覚悟|準備)",
    "死のう(?:と|か)",
    # Dialect volition (死んだるわ) and a bare 死ぬ / 消える said as a sentence of its own.
    "(?:死|し)んだる(?!ま)",
    "(?:(?:もう|まじで|マジで|ほんとに|本当に|ほんまに)(?:死|し)ぬ|(?<![てでくほ])しぬ)"
    "(?=[。！!…]|$|わ[。！!…]|から[。！!…]|ね[。！!…])",
    "(?:(?<=^)|(?<=[。！？!?\n、]))(?:もう)?消える(?=[。！!…]|$)",
    # Asking how to die: 楽に死ねるか, 死ぬ方法, 死に方.
    "(?:楽に|確実に|痛くなく)(?:死|し)(?:ね|ぬ|に)|死(?:ね|ぬ)(?:る)?(?:方法|場所)|死に方を",
    "(?:消え|きえ)(?:たい|たく(?!ない)|てしまいたい|てなくなりたい)",
    "(?:消えれ|消えられ|いなくなれ|居なくなれ)(?:ば|たら)",
    # Dialect and colloquial volition: 消えたろかな, 死んだろか.
    "(?:消え(?:たろ|ちゃお|ちまお)|死んだろ|死の)(?:か|う)",
    "(?:いなく|居なく)なりたい",
    # Being gone as a relief to others: いなくなったほうがみんな楽, いなくなっても誰も困らない.
    "(?:いなく|居なく|消え)(?:なった|た)?(?:ほう|方)が(?:みんな|皆|家族|いい|良い|まし|マシ|楽)",
    "(?:いなく|居なく)なっても(?:誰も|だれも|何も)",
    "(?:誰にも|誰からも|だれにも)(?:必要と|愛)され(?:てない|ていない|ない)",
    # Picturing the act as a relief: 飛んだら楽かな, 落ちたら全部終わる.
    "(?:飛んだら|飛び降りたら|落ちたら|消えたら|いなくなったら)(?:楽(?!し)|全部終わ|終われ)",
    "(?:消え|死ん|いなくなっ)(?:ちゃえ|ちまえ|てしまえ)?(?:れ)?ばいい(?:のに)?",
    "(?:明日|朝)(?:が|なんか)?(?:来|こ)なければ(?:いい|良い)|(?:明日|朝)(?:が|なんか)?(?:来|こ)なきゃ(?:いい|良い)",
    "(?:もう|いっそ)[^。]{0,6}?消え(?:る|ます|ちゃう|ちゃおう|よう)(?=[、。」』!！]|$|ね|わ|かな|から)",
    # Life not worth living.
    "(?:生き|いき)(?:ていたく|ていく意味|る意味|ている意味|てる意味)",
    "生き(?:て|と)[いっとて]{0,3}も(?:仕方|しかた|しょうがな|しゃあな|しゃーな|意味(?:が)?な)",
    "生きて(?:いる|る)の(?:が|も)(?:つらい|辛い|しんどい|苦しい|嫌)",
    "生きて(?:いけない|いけません|いく自信がない)",
    "生きるのが(?:つらい|辛い|しんどい|苦しい|嫌)",
    "生きる(?:の|こと)(?:を)?(?:やめ|止め|辞め|諦め|あきらめ)",
    "(?:なんで|何で|なぜ|何のために|なんのために)(?:まだ)?生きて(?:る|いる)",
    "(?:ずっと|永遠に|このまま)眠(?:って|り)(?:いたい|続けたい)|目覚めたくない",
    "生まれて(?:こなければ|来なければ|こなきゃ)",
    "(?:目が覚め|目覚め|起き)(?:なければ|なきゃ|ないで)(?:いい|良い)",
    "(?:自分|じぶん|私|僕|俺|あたし|うち|わし|わたし|ぼく|おれ)(?:なんか|なんて|は|が)?、?"
    "(?:いない|居ない|おらん|おらへん|おらない)(?:方|ほう)が(?:いい|まし|マシ|ええ|楽)",
    "(?:自分|じぶん|私|僕|俺|あたし|うち|わたし|ぼく|おれ)(?:なんか|なんて|は)?(?:いらない|要らない)"
    "(?:子|人間|存在|人)",
    # Ending it, said as a sentence of its own: もう終わりにする。
    "(?:(?<=^)|(?<=[。！？!?\n、「『]))(?:もう|全部)終わりに(?:する|します|しよう)(?=[。！!…」』]|$)",
    # Suicide and self-harm named, as acts or as thoughts.
    "自殺(?!防止|予防|対策|相談|者数|率|リスク|の?ニュース|の?報道|事件|する?シーン|のシーン)",
    "自死|希死念慮|自殺念慮|自傷",
    "(?:自分|自分自身)を(?:傷つけ|殴|叩|痛めつけ|切)",
    "(?:腕|手首|手|足|体)を(?:切|傷つけ)",
    "(?:腕|手首|太もも)を[^。、]{0,6}?(?:切|傷つけ|かきむし|引っか)",
    # Getting ready: 睡眠薬を貯めている, ロープを用意した.
    "(?:睡眠薬|薬|ロープ|練炭|縄|紐)を(?:貯め|ため|集め|買い集め|用意|準備)",
    "練炭(?:を)?(?:買|購入)",
    "(?:睡眠薬|睡眠導入剤|市販薬|風邪薬|頭痛薬|薬)(?:を)?(?:大量に|たくさん|いっぱい|全部|まとめて|一度に|[0-9]+錠)"
    "(?:飲|のん)",
    "リスカ|リストカット|アムカ|手首(?:を)?切",
    # Falling from a height, said as a plan (明日、学校の屋上から飛ぶ).
    "(?:屋上|ビル|橋|ベランダ|マンション|窓)から"
    "(?:飛び降り|落ちたい|落ちよう|身を投げ|飛ぶ(?=[。!！…」』]|$|つもり|しか|か[なも]|わ))",
    "あの世に(?:行き|いき)たい|天国に(?:行き|いき)たい",
    "(?:自分|じぶん|私|僕|俺)を消したい",
    "(?:誰か|だれか)(?:私を|僕を|俺を)?(?:殺して|ころして)(?:くれ|ほし|欲し)",
    "生き(?:て(?:る|いる)|る)?(?:価値|意味)(?:が|は|も)?(?:ない|無い|ねー|ねえ)",
    "(?:(?<=^)|(?<=[、。！？!?\n])|(?<=もう))全部(?:やめ|止め|投げ出し)たい",
    "もう[^。]{0,8}?(?:さよなら|さようなら)(?=[。!！…」』]|$)",
    "(?i:want to die|kill myself|end my life)",
    "首(?:を)?(?:吊|つ)(?:る|り|ろ|った)",
    "(?:飛び降り|とびおり)(?:たい|る|よう|自殺|たら|られ)",
    "(?:線路|ホーム|電車|踏切|車|川|海)に(?:飛び込|とびこ)",
    "飛び込みたく|飛び込みたい",
    "命を(?:絶|断)",
    "楽に(?:なりたい|なれる)",
    "終わりにしたい|終わらせたい",
    "遺書",
    # A farewell is a warning sign a gatekeeper asks about.
    "今まで(?:本当に|ほんとに|ほんとうに)?(?:ありがとう|ありがと|お世話になりました)",
    "(?:OD|オーバードーズ|過量服薬)",
    "この世から(?:消え|いなく)",
)

_PLACE = "(?:家|自宅|実家|部屋|学校|職場|勤務先|バイト先|会社|駅|玄関|マンション|アパート)"
_IMMINENT = _any(
    # Killing and hurting, announced.
    "(?:殺|ころ|コロ)(?:す(?!のが|ゲーム|シーン)|してやる|したる|されるかも|されそう|される(?:と|前))",
    "(?:殺|刺|ころ)しに(?:行|い|来|く)",
    "(?:刺し|殴り|絞め|撃ち|ぶち|焼き)殺",
    "ぶっ(?:殺|ころ|コロ)",
    "(?:ぶっ|ぶん)(?:飛ばす|とばす|飛ばしたる|とばしたる|飛ばしてやる)",
    # Dialect and slang for beating someone up: しばいたる, どついたる, ボコるぞ.
    "(?:しば|どつ)(?:いたる|いてやる|くぞ|くからな)|いてこま|ボコ(?:る|す)(?:ぞ|から)|ボコったる",
    "(?:刺|さ)して(?:やる|やろう)|刺す(?:ぞ|から|よ|[、。」』!！]|と(?!い))",
    "(?:燃や|放火)(?:してやる|したろ|したる|すぞ|すと|する|すから|す[、。」』])",
    f"(?:{_PLACE}|車)に火を(?:つけ|付け)|火を(?:つけ|付け)(?:てやる|たろ|たる|るぞ|るからな)",
    # Hurting announced in the plain form: 明日学校で殴る, 刺すぞ; 首を絞められた.
    "(?:殴|蹴)(?:ったる|ってやる)|(?:殴|蹴)る(?:ぞ|からな)",
    "首を(?:絞|締|しめ)",
    "(?:ドア|玄関|窓)を[^。、]{0,6}?(?:叩|たた|蹴)(?:かれ|られ)"
    "|(?:ドア|玄関|窓)を(?:ずっと|何度も|激しく|ドンドン|どんどん)(?:叩|たた|蹴)",
    "(?:ボコボコ|ぼこぼこ|めちゃくちゃ|メチャクチャ|半殺し)に(?:して|する)",
    "痛い目に(?:あわせ|遭わせ|合わせ|あう|遭う|合う)",
    "どうなっても(?:いい|知らな)",
    "(?:夜道|帰り道|背後)に(?:は)?(?:気をつけ|気を付け)",
    "覚え(?:とけ|てろ|ておけ)",
    "襲(?:う|ってやる|われ)(?:ぞ|と|る|そう|かも)",
    # A weapon held or shown.
    f"{_PLACE}に(?:灯油|ガソリン)",
    "(?:ナイフ|包丁|刃物|銃|凶器)(?:を)?"
    "(?:持って(?:行く|いく|来る|くる|る|いる|待)|持った|持ち出|振り回|突きつけ|向け|ちらつか|見せ)",
    # A weapon shown, then coming: 刃物の写真を送ってきて「これで会いに行く」.
    "(?:ナイフ|包丁|刃物|銃|凶器)[^。]{0,30}?(?:会いに|殺しに)(?:行く|いく|来る|くる)",
    # Coming to where the person is.
    f"{_PLACE}(?:に|まで|へ)(?:行く|いく|押しかけ|乗り込|凸)(?:ぞ|から|からな|ね|と(?:言わ|書|送|脅))",
    f"{_PLACE}(?:まで(?:行く|いく)|(?:に|へ)(?:押しかけ|乗り込|凸))(?=[」』!！]|$)",
    # Coming soon, to the person (今夜そっちに行く) or said as a warning (今から行くぞ); not a
    # plan of one's own (今から塾に行く).
    "(?:今から|これから|今夜|今晩|今すぐ|明日|次は|また)(?:も)?、?[^。、]{0,6}?"
    "(?:お前|おまえ|あんた|てめえ|君|きみ|そっち|そちら|お宅|おたく|家|部屋|会いに|殺しに)"
    "[^。、]{0,4}?(?:行く|いく|来る|くる|向かう)"
    "(?:ぞ|から|ね|よ|わ|[、。」』!！]|$|と(?:言われ|書|送|脅))",
    "(?:今から|これから|今夜|今晩|今すぐ|明日|次は)(?:も)?[^。、]{0,6}?"
    "(?:行く|いく|来る|くる|向かう)(?:ぞ|からな|わ[」』。!！]|から覚悟)",
    # Coming with no place said is coming to the person (「今から行く、ドアを開けろ」).
    "(?:今から|これから|今夜|今晩|今すぐ)(?:すぐ|また)?(?:行く|いく|向かう)(?=[、。」』!！]|から|$)",
    "凸(?:します|する|るぞ|ってやる|しに)",
    f"{_PLACE}(?:の(?:前|近く|外|周り|周辺|まわり)|付近|周辺|の近所)(?:の[^。、]{{1,6}}?)?(?:に|で|まで|を)(?:も)?"
    "(?:毎晩|毎日|何度も|ずっと|また|今|もう)?(?:[^。、]{0,6}?[がを]|誰か|だれか|知らない人)?"
    "(?:いる|いた|来|停ま|待|回|うろつ|うろうろ|ウロウロ|張り込|立って|見かけ)",
    "(?:前|外|通学路|帰り道|駅|改札|近く|出口|裏口|校門|門)で(?:ずっと|毎日|毎晩|また)?待って(?:る|ろ|いる|います)",
    "(?:近く|そば|家の前)まで(?:来|き)て(?:いる|る|いた)",
    "行く先々|先回りして",
    "いつでも(?:行ける|いける|来れる|来られる|殺せる|会える)(?=[」』。!！]|から|ぞ|$)",
    "(?:出てくる|帰る|来る)まで(?:ずっと)?待って",
    "(?:後|あと)を(?:つけ|付け)(?:られ|て|る)|尾行",
    "(?:知らない|見知らぬ|不審な|変な)[^。、]{0,8}?(?:後ろ|うしろ|あと)を(?:ずっと)?"
    "(?:ついて|付いて|つけて)(?:くる|来る|きた|来た)",
    "(?:帰り|帰り道|通学路|登下校|下校|登校|夜道|一人の時|ひとりの時)を?(?:狙|襲)(?:う|って|われ)",
    "待ち伏せ(?:さ|し|す)",
    "(?:つきまと|付きまと|ストーカー)",
    # Knowing where the person lives, said to them.
    f"(?:{_PLACE}|住所|お前んち|おまえんち)(?:の(?:場所|窓|部屋))?(?:を|は|も|が|、)?(?:どれか|どこか)?(?:もう)?"
    "(?:知って(?:いる|る)|知ってる|特定(?:した|済)|突き止め|分か(?:った|ってる|っている)|わか(?:った|ってる|っている)"
    "|バレ|ばれ)",
    f"(?:住所|{_PLACE})(?:を|も)?(?:晒|さら)(?:して|す)(?:やる|ぞ|から|と)",
)

_IMAGE = "(?:画像|写真|動画|裸|ヌード|自撮り|エロ|性的な|録画|下着|着替え)"
_SPREAD = (
    "(?:ばらま|バラま|バラマ|ばら撒|拡散|晒|さら|流出|流す|流さ|ネットに(?:上げ|載せ|流)|公開|送りつけ"
    "|送り付け|ばら|バラ|載せ|上げ|見せ|送る|送ら|回す|回さ)"
)
_DEMAND = re.compile(
    "[0-9一二三四五六七八九十百千万]+(?:万|千)?円?(?:分|を|払|振|持|送)|[0-9]+万|お金|金を|金銭"
    "|払え|払わ|払う|振り込|支払|送金|ギフト|電子マネー|もっと|追加|他の(?:写真|画像)|別の(?:写真|画像)"
    "|さらに|会え|会いに|会って|戻って|よりを戻|言うことを聞|通話に出|送って|送れ|撮って|撮れ"
    "|[0-9一二三四五六七八九十]+枚|もう一(?:枚|本)|買い取|いくら|持ってこい|パシリ|命じ|要求|求め"
)
# Images spread, or held (写真を持ってる), with a demand beside them.
_SEXTORTION = re.compile(
    f"{_IMAGE}[^。！？!?\\n]{{0,20}}?{_SPREAD}"
    f"|{_IMAGE}[^。！？!?\\n、]{{0,8}}?(?:持って(?:る|いる|います|ます)|ある(?:ぞ|から|よ))"
)
_THREAT = _any(
    "脅迫|脅さ|脅し|脅され|脅して|脅す|おどさ|おどし|殺害予告|殺人予告|爆破予告|危害を加え",
    "爆弾を(?:仕掛け|しかけ|置い|送)|爆破(?:する|してやる|します)",
    "(?:ばら|バラ|晒|さら|拡散|ばらま|流)(?:す|しちゃう|してやる|く|される)(?:ぞ|からな|よ(?:な|ね)?[」』]|と(?:言|脅|書|送))",
    # A condition on being spread: 拡散されたくなければ, 見せられたくなかったら.
    f"{_SPREAD}[^。、]{{0,4}}?(?:(?:され|られ|れ)たく|て(?:ほし|欲し)く)"
    "(?:なければ|ない(?:なら|んだったら|んなら)|なかったら)",
    # Deletion held out for something: 消してほしければ, 送ってくれたら消してあげる.
    "消して(?:ほし|欲し)(?:ければ|かったら)|(?:ば|たら)[^。]{0,10}?消して(?:あげる|やる)",
    # Spreading made ready or offered as a question.
    f"{_SPREAD}[^。、]{{0,3}}?準備",
    # Spreading offered as a question: 載せてもいいんだよ？, 送るけどいい？, 書いてもいいの？
    # (said of the person's own images or name: あの写真, あんたの本名).
    "(?:載せ|上げ|送っ|流し|晒し|見せ)ても(?:いい|良い)の",
    "(?:あの|例の|お前の|おまえの|あんたの|君の|きみの)[^。]{0,20}?"
    f"(?:(?:載せ|上げ|送っ|流し|晒し|見せ|書い|ばらまい|拡散し)ても(?:いい|良い)(?:の|んだ|[？?])"
    f"|{_SPREAD}[^。、]{{0,2}}?けど(?:いい|良い)(?:の|[？?]))",
    # A countdown to spreading, or spreading to the people around them.
    "(?:拡散|公開|晒す|ばらまく|流出)まで(?:あと)?[0-9０-９一二三四五六七八九十]",
    "(?:校長|担任|親|両親|家族|学校|職場|会社|彼氏|彼女|友達|全員)に(?:送る|送りつけ|見せる|ばらす|バラす)"
    "(?=[ぞ。」』!！]|から|$)",
    "即(?:ばらま|拡散|晒|公開|流)",
    f"{_IMAGE}を?ネタに",
)
# A condition, then spreading (払わないと…送る, よりを戻さなければ…上げる).
_CONDITION_THEN_SPREAD = re.compile(
    "(?:なければ|なけりゃ|なきゃ|ないと|ないなら|なかったら|んかったら|へんかったら|くれないなら|断ると|したら"
    "|言ったら|(?:る|たい)なら)"
    f"[^。]{{0,25}}?(?P<spread>{_SPREAD}(?:す|る|く|ぞ|から|ね|よ|たる|てやる|[、。」』]|と(?!き)))"
)
# Exposure held over someone, with a demand after it: 親にバレたくないなら、あと2万振り込め.
_EXPOSURE_CONDITION = re.compile(
    "(?:バレ|ばれ|知られ|見られ)たく(?:なければ|ない(?:なら|んだったら|んなら)|なかったら)"
)
_OFFERED_IN_QUOTE = re.compile(
    f"{_IMAGE}[^」』]{{0,20}}?(?:載せ|上げ|送っ|流し|晒し|見せ|ばらまい|拡散し|貼っ)ても(?:いい|良い)"
    "(?:んだ|のか|んですか|の(?=[」』]))"
)
_HARM_IN_QUOTE = re.compile("(?:殴る|蹴る|刺す|殺す)(?=[。、!！…]|$)")
_QUOTE = re.compile("[『「]([^』」]{1,80})[』」]")

# What a sentence says about the phrase in it.
_FICTION = re.compile(
    "場面|シーン|台詞|セリフ|台本|筋書き|物語|登場人物|主人公|結末|劇中|役を|ストーリー展開"
    "|(?:ドラマ|映画|アニメ|小説|漫画|マンガ|ホラー|サスペンス|推理)(?!アプリ|サイト|で知り合|を通じ)"
)
_NEWS = re.compile(
    "ニュース|報道|報じ|新聞|記事|速報|テレビで|ワイドショー|裁判|判決|書類送検|被告|容疑者|調査報告"
    "|疑いで|事件(?:が|に|を|について)|授業で|研修で|講義で|教材"
)
_GAME = re.compile(
    "ゲーム|ゲー(?![ム])|マイクラ|フォートナイト|バトロワ|人狼|RPG|FPS|ボス戦|敵を|敵が|キャラ|ゾンビ|対戦"
)
_FOR_REAL = re.compile("リアルで|リアルに|現実に|現実で|実際に|本当に|自分も|本人も|私も|僕も")
_PAST = re.compile(
    "以前|過去に|昨年|去年|一昨年|前に|ころ|頃|時代|時期|当時|昔|先週|先月|先日|前回|小学生の|中学生の|高校生の"
    "|[0-9一二三四五六七八九十半]+(?:年|か月|ヶ月|カ月)前"
)
_RESOLVED = re.compile(
    "解決|落ち着いて(?!い?ない|いません)|止ま(?:った|り|って)|途絶え|もう大丈夫|前向き|安定し|治療を終え"
    "|謝罪|逮捕され|書類送検|判決|転居|一度も|しておらず|楽しんで|接触はない|連絡はない|なくなった"
    "|解消|終結|終了|和解|削除され|笑い話|落ち着いた|やめ(?:た|ている|られ)"
    "|(?:現在|今)は(?:もう)?(?:して|やって)(?:い)?(?:ない|ません)"
)
# Over whatever the tense: 解決済み, 示談が成立; and a threat that turned out not to be one.
_SETTLED = re.compile("解決済|示談(?:が)?成立|和解(?:し|済|が成立)|終結し|かと思(?:ったら|いきや)")
# A phrase denied after it, in its clause: …は確認されず, …や金銭の要求はなく, …とは思っていない.
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff々"
_ADVERB = "(?:今のところ|現時点では|現時点で|現在は|現在|今は|特に|別に|まったく|全く|一切|これまで|今まで)"
_DENIAL = (
    "(?:認められ(?:ない|ず|なかった)|確認され(?:ない|ず|なかった|て(?:い)?(?:ない|おらず|いません))"
    "|見られ(?:ない|ず|なかった)|聞かれ(?:ない|ず|なかった)|否定|なし|無し|なく(?!て|な)|ない(?!か|と思)"
    "|ありません|受けて(?:い)?(?:ない|おらず|いません)|されて(?:い)?(?:ない|おらず|いません)"
    "|思わない|思って(?:い)?ない)"
)
_NEGATED_AFTER = re.compile(
    f"^[^。！？!?\\n、]{{0,12}}?(?:(?:は|も)、?|が){_ADVERB}?[{_KANJI}]{{0,4}}{_DENIAL}"
    f"|^(?:の)?[{_KANJI}]{{0,4}}(?:なし|無し|はない|もない)|^(?:されて|して)(?:い)?(?:ない|おらず|いません)"
    "|^[^。！？!?\\n、]{0,20}?否定(?:的|し|され)"
    "|^[^。！？!?\\n、]{0,10}?(?:(?:とは|って|とまでは)(?:思って|考えて|言って|感じて)(?:い)?(?:ない|ません)"
    "|わけではない|てはいない|てはいません|(?:を|は)(?:はっきり|強く|明確に)?否定|ともに(?:なし|無し|ない|否定))"
)
# A phrase only asked about, assessed or advised on: 自傷の有無を確認した, 死にたいと思ったことは
# ないか尋ねた, 自殺の危険性について評価した, 殺害予告などがあれば警察に相談するよう伝えた.
_ASKED_AFTER = re.compile(
    f"^(?:(?:[・、と][{_KANJI}]{{1,4}})?の(?:有無|確認|評価|危険性|リスク|兆候|可能性|おそれ|恐れ|聞き取り|アセスメント|把握)"
    "|[^。、]{0,8}?について[^。]{0,12}?(?:尋ね|たずね|聞|確認|質問|評価|話し合)"
    "|[^。！？!?\\n、]{0,15}?か(?:どうか)?(?:は|を)?(?:尋ね|たずね|聞い|聞く|聞き|確認|質問|見守|注意|未確認|不明)"
    "|[^。、]{0,10}?(?:があれば|などがあれば|た場合|る場合|の場合)"
    "|[^。、]{0,10}?(?:され|言われ)たら[^。]{0,10}?(?:相談|連絡|通報))"
)
_ANSWERED_YES = re.compile("あると(?:答|話|言)|はいと|うなず|頷|認めた")


def _negated(norm: str, end: int) -> bool:
    return bool(_NEGATED_AFTER.match(norm[end : end + 30]))


def _only_asked(sentence: str, end: int) -> bool:
    return bool(_ASKED_AFTER.match(sentence[end:])) and not _ANSWERED_YES.search(sentence, end)


def _told_of(sentence: str, kind: str) -> bool:
    """Return whether the sentence tells of a story, the news, a game or a past that is over."""
    if (_PAST.search(sentence) and _RESOLVED.search(sentence)) or _SETTLED.search(sentence):
        return True
    if _FOR_REAL.search(sentence):
        return False
    if _FICTION.search(sentence) or _NEWS.search(sentence):
        return True
    return kind == IMMINENT_DANGER and bool(_GAME.search(sentence))


def _starts_a_word(analysis: pii.Analysis, start: int) -> bool:
    """Return whether a phrase begins where SudachiPy begins a word (when it read the text)."""
    if not analysis.tokens:
        return True
    return start in analysis.token_starts


def _spans(norm: str) -> list[tuple[str, int, int]]:
    """Return every phrase that could prompt, before its sentence is read."""
    spans: list[tuple[str, int, int]] = []
    for kind, pattern in ((SUICIDAL, _SUICIDAL), (IMMINENT_DANGER, _IMMINENT), (THREAT, _THREAT)):
        spans.extend((kind, *match.span()) for match in pattern.finditer(norm))
    spans.extend((THREAT, *match.span("spread")) for match in _CONDITION_THEN_SPREAD.finditer(norm))
    for match in _EXPOSURE_CONDITION.finditer(norm):
        if _DEMAND.search(norm[match.end() : match.end() + 30].split("。")[0]):
            spans.append((THREAT, *match.span()))
    for match in _SEXTORTION.finditer(norm):
        # The demand may come before or after the threat, within a sentence either side.
        before = max(0, match.start() - 60)
        demands = [
            demand
            for demand in _DEMAND.finditer(norm, before, match.end() + 60)
            if not _negated(norm, demand.end())
        ]
        if demands:
            spans.append((THREAT, *match.span()))
    # Someone's own words about spreading images (『画像をばらまいたら…』) threaten, and so
    # does offering to (「制服の写真、学校に送ってもいいんだよ」).
    for quote in _QUOTE.finditer(norm):
        for match in _OFFERED_IN_QUOTE.finditer(norm, quote.start(1), quote.end(1)):
            spans.append((THREAT, *match.span()))
        # Harm announced in someone's own words, in the plain form: 「明日学校で殴る。」
        for match in _HARM_IN_QUOTE.finditer(norm, quote.start(1), quote.end(1)):
            spans.append((IMMINENT_DANGER, *match.span()))
        for match in _SEXTORTION.finditer(norm, quote.start(1), quote.end(1)):
            # (but asking leave to post one's own, 「この写真、載せてもいい？」, is no threat).
            if not re.match(
                "(?:れ|され|た(?!ら)|て(?:しま|い|る)|(?:て|で)?(?:も)?(?:いい|良い)[？?])",
                norm[match.end() :],
            ):
                spans.append((THREAT, *match.span()))
    return spans


def find_crisis(text: str, *, analysis: pii.Analysis | None = None) -> list[Finding]:
    """Return the phrases that prompt an urgent code, with offsets into the text as given."""
    if not text:
        return []
    if analysis is None:
        analysis = pii.analyse(text)
    norm = analysis.norm
    sentences = [match.span() for match in _SENTENCE.finditer(norm)]
    sentence_starts = [start for start, _ in sentences]
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in _spans(norm):
        if not _starts_a_word(analysis, start) or _negated(norm, end):
            continue
        index = bisect.bisect_right(sentence_starts, start) - 1
        sentence_start, sentence_end = sentences[index] if index >= 0 else (0, len(norm))
        sentence = norm[sentence_start:sentence_end]
        if _only_asked(sentence, end - sentence_start) or _told_of(sentence, kind):
            continue
        kept.append((kind, start, end))
    findings: list[Finding] = []
    for kind, start, end in sorted(kept, key=lambda span: (span[1], -span[2])):
        if any(f.kind == kind and f.start <= start < f.end for f in findings):
            continue
        findings.append(Finding(kind, start, end))
    return [Finding(f.kind, *analysis.normalised.original_span(f.start, f.end)) for f in findings]
