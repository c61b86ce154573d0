"""The guard on the development set of names in every script, dodges and name-free text, and
the allow-list it derives from the catalogue."""

import datetime

import pytest

from cases.pii import find_pii
from catalogue.models import Organization, Phone, Service
from tests.cases.pii_corpus import DEV, locate


def found(text):
    return {(f.kind, f.start, f.end) for f in find_pii(text)}


@pytest.mark.parametrize(
    ("text", "expected", "tags"), DEV, ids=[f"dev-{i}" for i in range(len(DEV))]
)
def test_it_finds_exactly_the_annotated_personal_data_in_the_development_set(text, expected, tags):
    assert found(text) == set(locate(text, expected))


def test_the_development_set_covers_every_script_position_and_kind_of_name_free_text():
    tags = {tag for _, _, entry_tags in DEV for tag in entry_tags}
    assert {"subject", "object", "relation", "title", "quote", "list", "role", "dodge"} <= tags
    assert {"organisation", "school", "temple_shrine", "place", "window"} <= tags
    names = [
        substring for _, expected, _ in DEV for kind, substring in expected if kind == "person_name"
    ]
    assert any(name.isascii() for name in names)
    assert any("ァ" <= name[0] <= "ヺ" for name in names)
    assert any("ぁ" <= name[0] <= "ゖ" for name in names)


@pytest.mark.parametrize(
    ("text", "offending"),
    [
        ("番号は０９０\u200b１２３４\u200b５６７８です", "０９０\u200b１２３４\u200b５６７８"),
        ("〇九〇ー一二三四ー五六七八に電話", "〇九〇ー一二三四ー五六七八"),
        ("090ハイフン1234ハイフン5678に電話", "090ハイフン1234ハイフン5678"),
        ("mail: taro[at]example.com", "taro[at]example.com"),
        ("hanako アット example ドット jp に送った", "hanako アット example ドット jp"),
        ("tаrо@example.com に送った", "tаrо@example.com"),
    ],
)
def test_text_written_to_dodge_is_found_where_it_was_typed(text, offending):
    start = text.index(offending)
    assert any(f.start == start and f.end == start + len(offending) for f in find_pii(text))


def test_pseudonyms_stay_allowed():
    assert find_pii("Aさんと相談者、被害者Bの三人で話した。") == []


@pytest.mark.django_db
def test_a_window_added_to_the_catalogue_is_public_at_once_and_private_when_removed():
    organization = Organization.objects.create(slug="new-org", name="みなと相談機構")
    service = Service.objects.create(
        slug="new-window",
        name="みなと安心ダイヤル",
        organization=organization,
        description="相談",
        url="https://www.minato-anshin.example.jp/",
        last_verified=datetime.date(2026, 12, 1),
    )
    Phone.objects.create(service=service, number="0120-555-123")
    text = "みなと安心ダイヤル（0120-555-123、minato-anshin.example.jp）を案内した。"
    assert find_pii(text) == []
    service.delete()
    organization.delete()
    assert {f.kind for f in find_pii(text)} == {"phone", "url"}


@pytest.mark.django_db
def test_every_site_of_the_seeded_catalogue_may_be_written():
    hosts = {(service.url.split("/")[2]) for service in Service.objects.exclude(url="")}
    assert hosts
    for host in hosts:
        assert find_pii(f"{host} を案内した。") == [], host


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A kana word where a person stands, known to no list: opening a clause, inside one,
        # before a title, in a cleft, in brackets after a person.
        ("なおやとけいごにお金を取られた。", "なおや"),
        ("クラス全員でゆうなを無視した。", "ゆうな"),
        ("みんなでソウマをからかった。", "ソウマ"),
        ("ユイナの投稿に悪口が書かれた。", "ユイナ"),
        ("しずく店長が悪口を書いた。", "しずく"),
        ("拡散したのはすずだよ。", "すず"),
        ("相談者（ゆいな）は泣いていた。", "ゆいな"),
        ("翼と名乗るアカウントから連絡が来た。", "翼"),
        # Latin names by position: a subject, an accented surname, a handle that spells a name.
        ("「Emmaがあの写真持ってる」と言われた。", "Emma"),
        ("Anna Müllerさんの母親から相談。", "Anna Müller"),
        ("rina.kが裏アカで写真を載せてた。", "rina.k"),
    ],
)
def test_a_name_is_read_from_its_place_in_the_sentence(text, name):
    start = text.index(name)
    assert any(
        f.kind == "person_name" and f.start < start + len(name) and start < f.end
        for f in find_pii(text)
    )


@pytest.mark.parametrize(
    "text",
    [
        "だれかがグループに写真を流した。",
        "こどもが自分で写真を送ってしまった。",
        "みんなでカラオケを楽しんだ。",
        "ポケポケのアカウントが乗っ取られた。",
        "公式と名乗るアカウントに注意するよう伝えた。",
        "「Excelが壊れた」と言っていた。",
        "会社の口コミサイトに実名で中傷を書かれた。",
    ],
)
def test_pronouns_things_and_bodies_in_a_person_s_place_are_not_names(text):
    assert [f for f in find_pii(text) if f.kind == "person_name"] == []


def test_text_spaced_out_a_character_at_a_time_is_read_together():
    text = "s a y a . k 0 3 @ e x a m p l e . j p と書かれていた。"
    assert [(f.kind, f.start) for f in find_pii(text)] == [("email", 0)]
