"""bench/pii.py reads every evaluation set: the held-out set and, once written, the fresh one."""

from bench.pii import as_entries, evaluate_crisis, load_optional, locate, script_of
from tests.cases import pii_corpus


def test_the_held_out_set_is_read_whole_and_every_annotation_is_in_its_text():
    loaded = load_optional("pii_heldout", "HELDOUT")
    assert loaded is not None
    entries, crisis_entries = loaded
    assert len(entries) >= 200 and len(crisis_entries) >= 100
    for text, expected, _tags in entries:
        assert len(locate(text, expected)) == len(expected), text


def test_a_fresh_set_is_optional():
    assert load_optional("pii_fresh_that_does_not_exist", "FRESH") is None


def test_the_script_of_a_name_is_read_from_its_text():
    assert [script_of(n) for n in ("佐藤", "ユウキ", "あおば", "Taro Yamada", "ケンジ・Smith")] == [
        "kanji",
        "katakana",
        "hiragana",
        "latin",
        "mixed",
    ]


def test_a_crisis_positive_counts_only_when_every_expected_code_is_prompted():
    result = evaluate_crisis(
        [
            ("死にたいと言っている。", ("suicidal",), "p"),
            ("死にたいと言っている。", ("suicidal", "threat"), "p"),
            ("祖父が亡くなった。", (), "n"),
        ]
    )
    assert (result.prompted, result.positives, result.false_prompts) == (1, 2, 0)
    assert as_entries(pii_corpus.DEV)[0][2] == pii_corpus.DEV[0][2]
