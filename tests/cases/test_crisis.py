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
