import pytest

from catalogue.models import Service
from triage.engine import Intake, suggest
from triage.models import SuggestionRule


def ranked(situation, wishes=(), categories=(), flags=(), **extra):
    result = suggest(
        Intake(
            situation=situation,
            wishes=frozenset(wishes),
            categories=frozenset(categories),
            flags=frozenset(flags),
            **extra,
        )
    )
    return result


def slugs(result):
    return [s.service.slug for s in result.suggestions]


def appear_in_order(expected, actual):
    positions = [actual.index(slug) for slug in expected]
    return positions == sorted(positions)


# Each row of the flyer's mapping in the domain reference: the windows must be suggested,
# in the order given, each with its reason.
FLYER_ROWS = [
    ("worries", {"situation": "worries"}, ["mamorouyo-kokoro"], "悩みや不安を話せる窓口"),
    ("wish talk", {"situation": "victim", "wishes": ["talk"]}, ["mamorouyo-kokoro"], "悩みや不安"),
    ("victim unsure", {"situation": "victim", "wishes": ["unsure"]}, ["ihaho"], "迅速な助言"),
    ("victim no wish", {"situation": "victim"}, ["ihaho"], "迅速な助言"),
    ("victim expert", {"situation": "victim", "wishes": ["expert"]}, ["ihaho"], "専門家"),
    ("solution expert", {"situation": "seek_solution", "wishes": ["expert"]}, ["ihaho"], "専門家"),
    (
        "victim delete",
        {"situation": "victim", "wishes": ["delete"], "categories": ["defamation"]},
        ["ihaho", "jinken", "bullying-hotline", "safeline"],
        "削除",
    ),
    (
        "victim damages",
        {"situation": "victim", "wishes": ["damages"]},
        ["lawyer", "houterasu"],
        "弁護士",
    ),
    ("victim danger", {"situation": "victim", "wishes": ["danger"]}, ["police-cyber"], "警察"),
    (
        "found illegal report",
        {"situation": "found_illegal", "wishes": ["report"], "categories": ["drugs"]},
        ["internet-hotline-center", "safeline"],
        "警察への情報提供",
    ),
    (
        "found illegal no wish no category",
        {"situation": "found_illegal"},
        ["internet-hotline-center", "safeline"],
        "削除依頼",
    ),
    (
        "found rights infringement",
        {"situation": "found_illegal", "categories": ["defamation", "privacy"]},
        ["ihaho", "jinken"],
        "権利侵害情報",
    ),
    ("seek solution", {"situation": "seek_solution"}, ["ihaho", "houterasu"], "専門家の助言"),
    (
        "malware",
        {"situation": "victim", "categories": ["malware_access"]},
        ["ipa-anshin"],
        "技術的な相談",
    ),
    (
        "revenge porn delete",
        {"situation": "victim", "wishes": ["delete"], "categories": ["revenge_porn"]},
        ["safeline"],
        "リベンジポルノ",
    ),
    (
        "fraud",
        {"situation": "seek_solution", "categories": ["fraud"]},
        ["consumer-188"],
        "消費生活",
    ),
    (
        "imminent danger",
        {"situation": "victim", "flags": ["imminent_danger"]},
        ["police-110"],
        "110番",
    ),
    (
        "threat with danger",
        {"situation": "victim", "wishes": ["danger"], "categories": ["threat"]},
        ["police-110", "police-cyber"],
        "110番",
    ),
    (
        "suicidal",
        {"situation": "worries", "flags": ["suicidal"]},
        ["mamorouyo-kokoro", "yorisoi", "kokoro-dial"],
        "命に関わる",
    ),
    (
        "suicidal and imminent",
        {"situation": "worries", "flags": ["suicidal", "imminent_danger"]},
        ["emergency-119", "police-110", "mamorouyo-kokoro"],
        "119番",
    ),
    (
        "revenge porn",
        {"situation": "victim", "categories": ["revenge_porn"]},
        ["one-stop-8891"],
        "性暴力被害",
    ),
    (
        "minor",
        {"situation": "victim", "flags": ["minor"]},
        ["kodomo-jinken-110", "kodomo-sos-24"],
        "子ども専用",
    ),
    (
        "minor sexual image",
        {"situation": "victim", "flags": ["minor"], "categories": ["csam"]},
        ["jidou-189"],
        "児童相談所",
    ),
]


@pytest.mark.parametrize(
    ("intake", "expected", "reason"),
    [row[1:] for row in FLYER_ROWS],
    ids=[row[0] for row in FLYER_ROWS],
)
def test_each_flyer_row_suggests_its_windows_in_order(db, intake, expected, reason):
    result = ranked(**intake)
    found = slugs(result)
    assert set(expected) <= set(found), found
    assert appear_in_order(expected, found), found
    first = result.suggestions[found.index(expected[0])]
    assert any(reason in text for text in first.reasons), first.reasons


def test_the_hotline_centre_is_not_suggested_for_someone_elses_defamation(db):
    found = slugs(ranked("found_illegal", categories=["defamation"]))
    assert "internet-hotline-center" not in found


def test_imminent_danger_comes_before_suicidal_and_both_are_urgent(db):
    result = ranked("worries", flags=["suicidal", "imminent_danger"], wishes=["talk"])
    top = result.suggestions[:5]
    assert [s.service.slug for s in top[:2]] == ["emergency-119", "police-110"]
    assert {s.service.slug for s in top[2:5]} == {"mamorouyo-kokoro", "yorisoi", "kokoro-dial"}
    assert all(s.urgent for s in top)
    assert not any(s.urgent for s in result.suggestions[5:])


def test_a_threat_with_danger_puts_110_first(db):
    result = ranked("victim", wishes=["danger", "delete"], categories=["threat"])
    assert result.suggestions[0].service.slug == "police-110"
    assert result.suggestions[0].urgent


def test_a_window_matched_by_several_rules_appears_once_with_every_reason(db):
    result = ranked("victim", wishes=["delete", "expert"], categories=["revenge_porn"])
    found = slugs(result)
    assert found.count("safeline") == 1 and found.count("ihaho") == 1
    safeline = result.suggestions[found.index("safeline")]
    assert len(safeline.reasons) == 2
    assert found[0] == "safeline"
    ihaho = result.suggestions[found.index("ihaho")]
    assert len(ihaho.reasons) == 2


def test_ranks_are_consecutive_from_one(db):
    result = ranked("victim", wishes=["delete", "damages"], flags=["minor"])
    assert [s.rank for s in result.suggestions] == list(range(1, len(result.suggestions) + 1))


def test_inactive_windows_are_never_suggested(db, django_capture_on_commit_callbacks):
    assert "safeline" in slugs(ranked("victim", wishes=["delete"]))
    with django_capture_on_commit_callbacks(execute=True):
        safeline = Service.objects.get(slug="safeline")
        safeline.is_active = False
        safeline.save()
    assert "safeline" not in slugs(ranked("victim", wishes=["delete"]))


def local_window(slug, **scope):
    """Add a local window to the catalogue, committed as the admin or a desk would."""
    from catalogue.models import Organization

    organization, _created = Organization.objects.get_or_create(slug="local", name="地元")
    return Service.objects.create(
        slug=slug,
        name=f"窓口 {slug}",
        description="地元の窓口",
        organization=organization,
        last_verified="2026-11-01",
        **scope,
    )


def at(desk, situation="victim", **codes):
    return slugs(ranked(situation, desk_id=desk.id, desk_kind=desk.kind, **codes))


def test_the_desks_school_window_joins_for_school_related_cases(
    db, school_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        local_window("school-room", scope=Service.Scope.DESK, desk=school_desk)
    result = ranked(
        "victim", flags=["school_related"], desk_id=school_desk.id, desk_kind=school_desk.kind
    )
    room = next(s for s in result.suggestions if s.service.slug == "school-room")
    assert room.reasons == ["学校の相談窓口"]
    assert "school-room" not in at(school_desk)
    assert "school-room" not in slugs(ranked("victim", flags=["school_related"], desk_id=None))


def test_a_municipal_desks_own_window_is_not_offered_as_a_school_window(
    db, desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        local_window("city-room", scope=Service.Scope.DESK, desk=desk)
    assert "city-room" not in at(desk, flags=["school_related"])


def test_it_never_suggests_another_desks_window_even_when_a_rule_names_it(
    db, desk, other_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        room = local_window("ogaki-room", scope=Service.Scope.DESK, desk=other_desk)
        SuggestionRule.objects.create(
            name="大垣の窓口", situations=["seek_solution"], service=room, reason="地元"
        )
    assert "ogaki-room" in at(other_desk, "seek_solution")
    assert "ogaki-room" not in at(desk, "seek_solution")
    assert "ogaki-room" not in slugs(ranked("seek_solution"))


def test_area_windows_are_suggested_only_at_desks_of_that_area(
    db, desk, other_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        city = local_window(
            "gifu-city-room",
            scope=Service.Scope.MUNICIPALITY,
            prefecture="岐阜県",
            municipality="岐阜市",
        )
        SuggestionRule.objects.create(
            name="市の窓口", categories=["fraud"], service=city, reason="市の消費生活相談"
        )
    assert "gifu-city-room" in at(desk, categories=["fraud"])
    assert "gifu-city-room" not in at(other_desk, categories=["fraud"])


@pytest.mark.parametrize("category", ["revenge_porn", "bullying"])
def test_safeline_leads_for_deleting_sexual_images_and_bullying_videos(db, category):
    result = ranked("victim", wishes=["delete"], categories=[category])
    assert result.suggestions[0].service.slug == "safeline"
    assert "リベンジポルノ・いじめ動画の削除要請" in result.suggestions[0].reasons


def test_each_suggestion_carries_the_windows_notes(db):
    result = ranked("found_illegal", wishes=["report"], categories=["csam"])
    centre = next(s for s in result.suggestions if s.service.slug == "internet-hotline-center")
    assert any("相談は受け付けません" in note for note in centre.notes)


def test_guidance_notes_cover_serious_bullying_and_the_platforms_deadline(db):
    result = ranked(
        "victim",
        wishes=["delete"],
        categories=["bullying"],
        flags=["school_related"],
        platforms=frozenset({"x"}),
    )
    text = " ".join(result.guidance)
    assert "いじめ重大事態" in text and "第28条" in text
    assert "7日以内" in text


def test_a_rule_edit_takes_effect_without_a_restart(db, django_capture_on_commit_callbacks):
    assert "ihaho" in slugs(ranked("seek_solution"))
    with django_capture_on_commit_callbacks(execute=True):
        SuggestionRule.objects.filter(service__slug="ihaho", situations=["seek_solution"]).update(
            is_active=False
        )
        SuggestionRule.objects.filter(service__slug="ihaho").first().save()
    assert "ihaho" not in slugs(ranked("seek_solution"))


def test_a_new_rule_added_in_another_process_is_seen(db, django_capture_on_commit_callbacks):
    from triage.engine import bump_version

    ranked("seek_solution")  # warm this process's cache
    SuggestionRule.objects.bulk_create(
        [
            SuggestionRule(
                name="test",
                situations=["seek_solution"],
                service=Service.objects.get(slug="yorisoi"),
                reason="テスト",
            )
        ]
    )
    bump_version()  # what the other process's commit did
    assert "yorisoi" in slugs(ranked("seek_solution"))


@pytest.mark.parametrize("wishes", [(), ("delete",), ("talk",)])
def test_a_childs_sexual_image_is_treated_as_csam_and_the_police_are_always_suggested(db, wishes):
    result = ranked("victim", wishes=wishes, categories=["revenge_porn"], flags=["minor"])
    suggested = slugs(result)
    for slug in ("police-cyber", "jidou-189", "safeline", "internet-hotline-center"):
        assert slug in suggested
    police = next(s for s in result.suggestions if s.service.slug == "police-cyber")
    assert any("児童ポルノ" in reason for reason in police.reasons)
    assert any("児童ポルノ" in note for note in result.guidance)


def test_an_adults_intimate_image_is_not_read_as_csam(db):
    result = ranked("victim", wishes=["delete"], categories=["revenge_porn"])
    assert "police-cyber" not in slugs(result)
    assert not any("児童ポルノ" in note for note in result.guidance)
