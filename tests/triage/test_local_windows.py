import datetime

import pytest

from catalogue.models import Organization, Service
from triage.engine import Intake, forget_ruleset, suggest

URL = "/api/v1/referrals/suggestions/"
DELETE_DEFAMATION = {"situation": "victim", "wishes": ["delete"], "categories": ["defamation"]}


@pytest.fixture
def city_window(desk):
    """岐阜市's own desk for deletion help, declaring what it takes and no rule."""
    return Service.objects.create(
        slug="gifu-city-deletion",
        name="岐阜市 ネット削除相談",
        organization=Organization.objects.create(slug="gifu-city-office", name="岐阜市役所"),
        description="市民からネット上の書き込みの削除について相談を受けます。",
        actions=["advice", "deletion_request"],
        categories=["defamation", "privacy"],
        scope=Service.Scope.MUNICIPALITY,
        prefecture="岐阜県",
        municipality="岐阜市",
        last_verified=datetime.date(2026, 11, 1),
    )


def suggested(desk=None, **codes):
    result = suggest(
        Intake(
            situation=codes.get("situation", "victim"),
            wishes=frozenset(codes.get("wishes", ())),
            categories=frozenset(codes.get("categories", ())),
            flags=frozenset(codes.get("flags", ())),
            desk_id=desk.id if desk else None,
            desk_kind=desk.kind if desk else None,
        )
    )
    return result.suggestions


def test_a_local_window_is_suggested_to_a_desk_in_its_area_with_the_reason(city_window, desk):
    suggestions = suggested(desk, **DELETE_DEFAMATION)

    local = next(s for s in suggestions if s.service == city_window)
    assert local.reasons == ["岐阜市の窓口: 削除の相談"]
    assert local.urgent is False


def test_it_is_not_suggested_to_a_desk_outside_its_area(city_window, other_desk):
    assert city_window not in [s.service for s in suggested(other_desk, **DELETE_DEFAMATION)]


def test_it_is_not_suggested_for_content_it_does_not_take(city_window, desk):
    intake = {**DELETE_DEFAMATION, "categories": ["fraud"]}
    assert city_window not in [s.service for s in suggested(desk, **intake)]


def test_it_is_not_suggested_for_a_wish_it_does_not_answer(city_window, desk):
    intake = {**DELETE_DEFAMATION, "wishes": ["damages"]}
    assert city_window not in [s.service for s in suggested(desk, **intake)]


def test_it_ranks_after_the_urgent_lines_and_beside_the_national_deletion_windows(
    city_window, desk
):
    suggestions = suggested(desk, **DELETE_DEFAMATION, flags=["imminent_danger"])
    slugs = [s.service.slug for s in suggestions]
    position = slugs.index("gifu-city-deletion")

    urgent = [s for s in suggestions if s.urgent]
    assert urgent and suggestions[: len(urgent)] == urgent
    assert position >= len(urgent)
    neighbours = {slugs[position - 1], slugs[position + 1] if position + 1 < len(slugs) else ""}
    assert neighbours & {"ihaho", "jinken", "bullying-hotline", "safeline"}


def test_the_national_windows_keep_their_answer_beside_a_local_one(desk):
    before = [s.service.slug for s in suggested(desk, **DELETE_DEFAMATION)]
    Service.objects.create(
        slug="gifu-city-deletion",
        name="岐阜市 ネット削除相談",
        organization=Organization.objects.create(slug="gifu-city-office", name="岐阜市役所"),
        description="削除の相談",
        actions=["deletion_request"],
        categories=["defamation"],
        scope=Service.Scope.MUNICIPALITY,
        prefecture="岐阜県",
        municipality="岐阜市",
        last_verified=datetime.date(2026, 11, 1),
    )
    forget_ruleset()

    after = [s.service.slug for s in suggested(desk, **DELETE_DEFAMATION)]
    assert [slug for slug in after if slug != "gifu-city-deletion"] == before
    assert "gifu-city-deletion" in after


def test_a_window_for_children_is_suggested_only_for_a_minor(desk):
    Service.objects.create(
        slug="gifu-city-kodomo",
        name="岐阜市 子ども相談",
        organization=Organization.objects.create(slug="gifu-city-office", name="岐阜市役所"),
        description="子どもの悩み",
        actions=["emotional_support"],
        audience="children",
        scope=Service.Scope.MUNICIPALITY,
        prefecture="岐阜県",
        municipality="岐阜市",
        last_verified=datetime.date(2026, 11, 1),
    )
    adult = [s.service.slug for s in suggested(desk, situation="worries")]
    child = [s.service.slug for s in suggested(desk, situation="worries", flags=["minor"])]

    assert "gifu-city-kodomo" not in adult
    assert "gifu-city-kodomo" in child


def test_the_api_suggests_it_to_staff_of_a_desk_in_its_area(api, counsellor, city_window):
    response = api(counsellor).post(URL, {**DELETE_DEFAMATION, "desk": "gifu-city"}, format="json")

    assert response.status_code == 200
    local = [s for s in response.json()["suggestions"] if s["service"]["slug"] == city_window.slug]
    assert local[0]["reasons"] == ["岐阜市の窓口: 削除の相談"]


def test_the_api_does_not_suggest_it_to_staff_of_a_desk_elsewhere(api, outsider, city_window):
    response = api(outsider).post(URL, {**DELETE_DEFAMATION, "desk": "ogaki-city"}, format="json")

    assert response.status_code == 200
    assert city_window.slug not in [s["service"]["slug"] for s in response.json()["suggestions"]]
