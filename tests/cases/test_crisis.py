"""The crisis reader: the phrases that prompt the urgent flags, and the live check that shows them."""

import pytest

from cases import crisis, pii
from cases.crisis import find_crisis
from cases.models import Case
from tests.cases.pii_corpus import CRISIS_DEV


@pytest.mark.parametrize(
    ("text", "expected", "tag"), CRISIS_DEV, ids=[f"crisis-{i}" for i in range(len(CRISIS_DEV))]
)
def test_it_prompts_exactly_the_codes_of_the_development_set(text, expected, tag):
    assert {finding.kind for finding in find_crisis(text)} == set(expected)


def test_the_development_set_has_positives_of_every_code_and_negatives_of_every_kind():
    codes = {code for _, expected, _ in CRISIS_DEV for code in expected}
    negative_tags = {tag for _, expected, tag in CRISIS_DEV if not expected}
    assert codes == set(crisis.KINDS)
    assert {"game", "bereavement", "news", "negation"} <= negative_tags


def test_hyperbole_prompts_but_a_denial_does_not():
    assert [f.kind for f in find_crisis("死にたいほど恥ずかしかった")] == ["suicidal"]
    assert find_crisis("希死念慮は確認されず。") == []


def test_the_span_points_into_the_text_as_typed():
    text = "ＳＮＳに「しにたい」と\u200b書いていた。もう死\u200bにたいとも。"
    spans = [text[f.start : f.end] for f in find_crisis(text)]
    assert spans == ["しにたい", "死\u200bにたい"]


def test_sextortion_needs_a_demand_beside_the_threat_to_spread_images():
    demand = "裸の画像をばらまかれたくなければ3万円払えと言われた。"
    assert [f.kind for f in find_crisis(demand)] == ["threat"]
    assert find_crisis("画像を拡散したのは知らない人だった。") == []


def test_both_readers_share_one_reading_of_the_text(monkeypatch):
    calls = []
    tokenise = pii._tokens

    def counting(norm):
        calls.append(norm)
        return tokenise(norm)

    monkeypatch.setattr(pii, "_tokens", counting)
    text = "田中さんに死にたいと送った。"
    analysis = pii.analyse(text)
    assert [f.kind for f in pii.find_pii(text, analysis=analysis)] == ["person_name"]
    assert [f.kind for f in find_crisis(text, analysis=analysis)] == ["suicidal"]
    assert len(calls) == 1


@pytest.mark.django_db
def test_the_live_check_prompts_the_code_and_span_without_echoing_the_phrase(web, counsellor):
    text = "Aさんは、もう消えたいと言っている。"
    page = web(counsellor).post("/cases/pii-check/", {"summary": text}).content.decode()
    start = text.index("消えたい")
    assert 'data-crisis-code="suicidal"' in page
    assert 'data-crisis-field="flags"' in page
    assert f'data-crisis-start="{start}"' in page
    assert f'data-crisis-end="{start + 4}"' in page
    assert "消えたい" not in page


@pytest.mark.django_db
def test_the_live_check_prompts_the_threat_category(web, counsellor):
    text = "動画を拡散されたくなければ10万円払えとDMが来た。"
    page = web(counsellor).post("/cases/pii-check/", {"summary": text}).content.decode()
    assert 'data-crisis-code="threat"' in page
    assert 'data-crisis-field="categories"' in page


def _intake(**changes):
    data = {
        "desk": "gifu-city",
        "situation": "victim",
        "wishes": ["delete"],
        "categories": ["defamation"],
        "age_band": "unknown",
        "summary": "Aさんは死にたいほど恥ずかしかったと話している。",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_declined_prompt_is_kept_on_the_case_as_its_code(web, counsellor):
    response = web(counsellor).post("/cases/new/", _intake(crisis_declined=["suicidal"]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.crisis_declined == ["suicidal"]
    assert case.flags == []


@pytest.mark.django_db
def test_a_code_ticked_after_all_is_not_kept_as_declined(web, counsellor):
    web(counsellor).post("/cases/new/", _intake(crisis_declined=["suicidal"], flags=["suicidal"]))
    case = Case.objects.get()
    assert (case.flags, case.crisis_declined) == (["suicidal"], [])


@pytest.mark.django_db
def test_an_unknown_declined_code_is_refused_by_name(web, counsellor):
    response = web(counsellor).post("/cases/new/", _intake(crisis_declined=["bored"]))
    assert response.status_code == 200
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_declining_while_editing_adds_the_code(web, counsellor, case):
    response = web(counsellor).post(
        f"/cases/{case.reference}/edit/",
        _intake(summary=case.summary, crisis_declined=["imminent_danger"]),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.crisis_declined == ["imminent_danger"]


def kinds(text):
    return {finding.kind for finding in find_crisis(text)}


@pytest.mark.parametrize(
    "text",
    [
        "もう生きてても意味ないって思う、と妹に話していた。",
        "いっそ消えられたら楽なのに、と呟いた。",
        "死んだら楽になれるかなとLINEに書いた。",
        "ずっと眠ったまま目が覚めなければいいと日記にあった。",
        "踏切に飛び込みたくなると言う。",
        "今まで本当にありがとう、と友達にメッセージを送っていた。",
        "夜中に『もう無理、消える』と投稿していた。",
        "自分がいなくなれば家族が楽になると話した。",
        "生まれてこなければよかったと何度も言う。",
    ],
)
def test_wishes_to_die_or_vanish_in_colloquial_and_indirect_words_prompt_suicidal(text):
    assert kinds(text) == {"suicidal"}


@pytest.mark.parametrize(
    "text",
    [
        "相手から「お前の家もう分かってるからな」と来た。",
        "相手が塾の前で待ってると送ってきた。",
        "「今夜そっちに行くから」と元彼から連絡があった。",
        "帰り道に気をつけろよとDMが来た。",
        "「会ったらボコボコにしてやる」と言われた。",
        "相手から『学校帰りを狙う』と言われた。",
        "元交際相手が毎晩家の前に来ている。",
        "「邪魔したら刺す」と書かれていた。",
        "カッターを見せて「痛い目にあわせる」と言われた。",
    ],
)
def test_coming_to_the_person_weapons_and_harm_announced_prompt_imminent_danger(text):
    assert "imminent_danger" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "オンラインゲームで知り合った相手から、写真を送らないと拡散すると脅された。",
        "親に見せられたくなかったら金を払え、と裸の写真の件で言われた。",
        "別れるなら動画をネットに上げるからと言われている。",
        "アプリで知り合った人に、会ってくれなければ画像を流すと言われた。",
        "知らない人から「お前の写真持ってる。3万でどう？」とDMが来た。",
        "動画を消してほしければ電話に出ろと言われた。",
    ],
)
def test_spreading_images_made_conditional_on_a_demand_prompts_threat(text):
    assert "threat" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "自傷行為は認められない。",
        "希死念慮について本人に確認し、否定された。",
        "自殺の危険性について評価を行い、低いと判断した。",
        "念のため、希死念慮の有無を確認した。",
        "担任は、自傷の兆候がないか見守るとのこと。",
        "殺害予告などがあれば警察に相談するよう助言した。",
        "脅迫の被害にあった場合の相談先を案内した。",
        "つきまといや待ち伏せは現時点では確認されていない。",
        "脅しや金銭の要求は受けていないという。",
    ],
)
def test_denials_questions_and_advice_about_a_crisis_prompt_nothing(text):
    assert kinds(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "ドラマの中で主人公が脅迫される場面があった。",
        "ニュースで爆破予告の話を聞いた。",
        "ゲームで敵に殺されてばかりで悔しいと話した。",
        "4年前に希死念慮があったが、今は落ち着いている。",
        "昨年は待ち伏せされていたが、相手が転居して解決した。",
        "死ぬほど疲れたとぼやいていた。",
        "お腹が痛くて死ぬかと思った。",
        "明日は学校に行くと話した。",
        "友達が家の前まで迎えに来てくれた。",
        "画像を友達に送ったら、すぐに消してくれた。",
    ],
)
def test_stories_news_games_a_past_that_is_over_and_idioms_prompt_nothing(text):
    assert kinds(text) == set()


def test_a_story_told_as_the_person_s_own_feeling_still_prompts():
    assert kinds("映画を見て、自分も死にたいと思ったと話した。") == {"suicidal"}
    assert kinds("ゲームのチャットで『リアルで会ったら殺す』と言われた。") == {"imminent_danger"}


def test_a_question_answered_yes_still_prompts():
    assert kinds("死にたいと思うことがあるか尋ねたところ、あると答えた。") == {"suicidal"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("死にてぇ、とストーリーに上げていた。", "suicidal"),
        ("うちなんかおらん方がええんよ、と泣いていた。", "suicidal"),
        ("生きとってもしゃあない、と書いていた。", "suicidal"),
        ("もう消えたろかな、と送ってきた。", "suicidal"),
        ("タヒりたいとつぶやいていた。", "suicidal"),
        ("睡眠薬を貯めていると打ち明けた。", "suicidal"),
        ("自分で自分を殴ってしまうことがある。", "suicidal"),
        ("しばいたるぞ、とDMが来た。", "imminent_danger"),
        ("「今から家行くわ」と連絡があった。", "imminent_danger"),
        ("相手が自宅付近をうろついている。", "imminent_danger"),
        ("『学校に爆弾を仕掛けた』と書き込まれた。", "threat"),
        ("『拡散してほしくないなら5万』とDMが来た。", "threat"),
    ],
)
def test_dialect_slang_and_getting_ready_prompt_their_code(text, code):
    assert code in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "希死念慮の聞き取りは次回に行う。",
        "本人に死にたい気持ちがあるかどうかは未確認。",
        "本能寺の変で信長が殺された話を授業で聞いた。",
        "推しの卒業が悲しすぎて死ぬ、と笑っていた。",
        "本人は今から塾に行くと話していた。",
        "家の前で友達と写真を撮った。",
    ],
)
def test_notes_to_ask_later_history_and_everyday_plans_prompt_nothing(text):
    assert kinds(text) == set()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("しにたぃ…もぅ無理ぽ", "suicidal"),
        ("私がいなくなっても誰も困らないよね", "suicidal"),
        ("どうやったら楽に死ねるか、ずっと調べてる。", "suicidal"),
        ("うち、おらんほうがええんよね。", "suicidal"),
        ("睡眠薬をまとめて飲んだ、と友人からLINE。", "suicidal"),
        ("「今から行く、ドアを開けろ」と電話があった。", "imminent_danger"),
        ("「明日学校で殴る。逃げても無駄」", "imminent_danger"),
        ("「親にバレたくないなら、あと2万振り込め」", "threat"),
        ("「警察に言ったら即ばらまく」と念押しされている。", "threat"),
    ],
)
def test_phrase_families_prompt_in_any_register(text, code):
    assert code in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "明日病院に行く。",
        "これから学校に行く、とLINEが来た。",
        "自傷の既往なし。家族関係も良好とのこと。",
        "脅迫メールの件は、相手が特定され謝罪・示談が成立し、解決済み。",
        "キャンプで火をつけるのに苦労した。",
        "「この写真、インスタに載せてもいい？」と友達に聞かれた。",
        "鳥が屋上から飛んでいった。",
    ],
)
def test_plans_settled_matters_and_asking_leave_prompt_nothing(text):
    assert kinds(text) == set()
