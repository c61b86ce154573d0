"""The guard's refusals: kind and place in the user's language, never the text itself."""

import pytest
from django.utils import translation

from cases.guard import PersonalDataError, describe, guard_free_text, kind_label
from cases.pii import KIND_LABELS, find_pii
from tests.cases.pii_corpus import CORPUS

TEXT = "相談メモ\n相手は090-1234-5678から電話してくる。"
REFUSAL_JA = "個人を特定できる情報は記録できません。「Aさん」「B子」などに置き換えてください。"


def refusal(**fields) -> PersonalDataError:
    with pytest.raises(PersonalDataError) as refused:
        guard_free_text(**fields)
    return refused.value


def test_describe_names_the_kind_and_place_without_echoing_the_text():
    for text, expected in CORPUS:
        findings = find_pii(text)
        messages = describe(text, findings)
        assert len(messages) == len(findings)
        for finding, message in zip(findings, messages, strict=True):
            assert KIND_LABELS[finding.kind] in message
            assert f"{finding.start + 1}文字目" in message
        for _, substring in expected:
            assert all(substring not in message for message in messages)


def test_describe_gives_the_line_in_a_text_of_several_lines():
    assert describe(TEXT, find_pii(TEXT)) == ["電話番号らしき記述があります（2行目4文字目）"]


def test_the_refusal_is_in_japanese_by_default():
    error = refusal(summary=TEXT)
    assert error.message_dict["summary"] == [
        "電話番号らしき記述があります（2行目4文字目）",
        REFUSAL_JA,
    ]
    assert error.kinds == ["phone"]


def test_the_refusal_is_in_english_when_english_is_active():
    with translation.override("en"):
        error = refusal(summary=TEXT, body="連絡先 taro@example.com")
    assert error.message_dict == {
        "summary": [
            "Possible phone number (line 2, character 4)",
            "Information that identifies a person cannot be recorded. "
            "Replace it with a pseudonym such as “Person A” or “B”.",
        ],
        "body": [
            "Possible email address (character 5)",
            "Information that identifies a person cannot be recorded. "
            "Replace it with a pseudonym such as “Person A” or “B”.",
        ],
    }
    assert error.kinds == ["phone", "email"]


def test_every_kind_has_an_english_name():
    with translation.override("en"):
        names = {kind: kind_label(kind) for kind in KIND_LABELS}
    assert all(name.isascii() for name in names.values()), names
    assert len(set(names.values())) == len(KIND_LABELS)


def test_the_kinds_are_named_in_japanese_by_default():
    assert {kind: kind_label(kind) for kind in KIND_LABELS} == KIND_LABELS


@pytest.mark.django_db
def test_the_api_refuses_in_the_language_the_client_asks_for(api, counsellor):
    body = {"situation": "victim", "summary": "相手は090-1234-5678から電話してくる。"}
    english = api(counsellor).post("/api/v1/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    japanese = api(counsellor).post("/api/v1/cases/", body, format="json")
    assert english.status_code == japanese.status_code == 400
    assert english.json()["summary"][0] == "Possible phone number (character 4)"
    assert japanese.json()["summary"][0] == "電話番号らしき記述があります（4文字目）"
    assert english.json()["pii"] == japanese.json()["pii"] == ["phone"]
