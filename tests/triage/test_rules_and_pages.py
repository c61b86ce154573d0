import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.models import Service
from tests.factories import UserFactory
from tests.referrals.followup_factories import CaseFactory
from triage.forms import TriageForm
from triage.models import SuggestionRule
from triage.services import rule_delete, rule_save, rules_delete


@pytest.fixture
def admin_client(client, db):
    client.force_login(
        UserFactory(username="root", is_staff=True, is_superuser=True, second_factor_exempt=True)
    )
    return client


def safety_rule():
    return SuggestionRule.objects.get(name="差し迫った危険 → 110番")


def test_safety_rules_cannot_be_disabled(db):
    rule = safety_rule()
    rule.is_active = False
    with pytest.raises(ValidationError, match="無効にできません"):
        rule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestionRule.objects.filter(pk=rule.pk).update(is_active=False)


def test_safety_rules_cannot_be_deleted(db):
    with pytest.raises(ValidationError, match="削除できません"):
        safety_rule().delete()
    with pytest.raises(ValidationError):
        SuggestionRule.objects.filter(is_safety=True).delete()
    assert SuggestionRule.objects.filter(is_safety=True).count() == 7


def test_safety_rules_can_be_reworded_but_not_retargeted(db):
    rule = safety_rule()
    rule.reason = "命の危険は迷わず110番"
    rule.full_clean()
    rule.save()
    rule.service = Service.objects.get(slug="ihaho")
    with pytest.raises(ValidationError, match="理由の文言だけ"):
        rule.full_clean()


def test_the_rule_service_refuses_to_disable_reorder_or_delete_a_safety_rule(db):
    rule = safety_rule()
    rule.reason = "命の危険は迷わず110番"
    rule_save(rule=rule)
    assert safety_rule().reason == "命の危険は迷わず110番"
    for field, value in [("is_active", False), ("weight", 1), ("flags", ["minor"])]:
        rule = safety_rule()
        setattr(rule, field, value)
        with pytest.raises(ValidationError):
            rule_save(rule=rule)
    with pytest.raises(ValidationError, match="削除できません"):
        rule_delete(rule=safety_rule())
    assert safety_rule().is_active and safety_rule().weight == 98


def test_deleting_several_rules_deletes_none_if_one_is_a_safety_rule(db):
    ordinary = SuggestionRule.objects.filter(is_safety=False)[:2]
    chosen = SuggestionRule.objects.filter(pk__in=[safety_rule().pk, *[r.pk for r in ordinary]])
    with pytest.raises(ValidationError):
        rules_delete(rules=chosen)
    assert chosen.count() == 3
    rules_delete(rules=ordinary)
    assert SuggestionRule.objects.filter(pk__in=[r.pk for r in ordinary]).count() == 0


def test_the_admin_bulk_delete_keeps_the_safety_rules(admin_client):
    rules = [safety_rule().pk, SuggestionRule.objects.filter(is_safety=False).first().pk]
    admin_client.post(
        "/admin/triage/suggestionrule/",
        {"action": "delete_selected", "_selected_action": rules, "post": "yes"},
    )
    assert SuggestionRule.objects.filter(pk=rules[0]).exists()


def test_the_admin_saves_a_reworded_safety_rule(admin_client):
    rule = safety_rule()
    response = admin_client.post(
        f"/admin/triage/suggestionrule/{rule.pk}/change/",
        {"name": rule.name, "is_active": "on", "reason": "迷わず110番", "reason_en": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.reason == "迷わず110番" and rule.is_active and rule.flags == ["imminent_danger"]


def test_the_triage_form_names_an_unknown_code_in_japanese(db):
    form = TriageForm({"situation": "victim", "wishes": ["delete", "revenge"]})
    assert not form.is_valid()
    assert form.errors["wishes"] == ["不明なコードです: revenge"]


def test_a_rule_with_an_unknown_code_cannot_be_saved(db):
    rule = SuggestionRule(
        name="x",
        situations=["victim"],
        wishes=["revenge"],
        reason="x",
        service=Service.objects.get(slug="ihaho"),
    )
    with pytest.raises(ValidationError, match="revenge"):
        rule.full_clean()


def test_a_rule_needs_exactly_one_target(db):
    rule = SuggestionRule(name="x", reason="x")
    with pytest.raises(ValidationError, match="どちらか一方"):
        rule.full_clean()


def test_the_admin_offers_no_delete_for_safety_rules(admin_client):
    rule = safety_rule()
    response = admin_client.get(f"/admin/triage/suggestionrule/{rule.pk}/delete/")
    assert response.status_code == 403


def test_the_admin_try_it_form_shows_the_suggestions(admin_client):
    response = admin_client.get(
        "/admin/triage/suggestionrule/try/", {"situation": "victim", "wishes": "damages"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "弁護士" in page and "法テラス" in page


def test_the_admin_try_it_form_can_act_for_a_desk(admin_client, school_desk):
    Service.objects.create(
        slug="school-room",
        name="本校の相談室",
        description="学校の相談室",
        organization=Service.objects.get(slug="ihaho").organization,
        scope=Service.Scope.DESK,
        desk=school_desk,
        last_verified="2026-11-01",
    )
    query = {"situation": "victim", "flags": "school_related"}
    url = "/admin/triage/suggestionrule/try/"
    assert "本校の相談室" not in admin_client.get(url, query).content.decode()
    assert "本校の相談室" in admin_client.get(url, {**query, "desk": "gifu-hs"}).content.decode()


def test_the_admin_refuses_an_invalid_rule_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/triage/suggestionrule/add/",
        {
            "name": "x",
            "reason": "x",
            "weight": 50,
            "urgency": 0,
            "category_mode": "any",
            "situations": ["nonsense"],
        },
    )
    assert response.status_code == 200
    assert SuggestionRule.objects.filter(name="x").count() == 0


def test_the_triage_page_shows_suggestions_for_the_chosen_intake(web, counsellor):
    page = (
        web(counsellor)
        .get("/triage/", {"situation": "victim", "wishes": "delete"})
        .content.decode()
    )
    assert "違法・有害情報相談センター" in page and "自分で行う削除依頼の助言" in page


def test_the_triage_partial_puts_urgent_windows_first(web, counsellor):
    response = web(counsellor).post(
        "/triage/suggestions/", {"situation": "worries", "flags": ["suicidal"]}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert page.index("緊急") < page.index("心のSOS まもろうよこころ")


def test_the_triage_partial_answers_an_unknown_code_with_a_japanese_error(web, counsellor):
    response = web(counsellor).post("/triage/suggestions/", {"situation": "nonsense"})
    assert response.status_code == 200
    assert "不明なコードです: nonsense" in response.content.decode()


def test_the_triage_cards_show_what_each_window_does_and_how_to_reach_it(web, counsellor):
    page = (
        web(counsellor)
        .post("/triage/suggestions/", {"situation": "victim", "wishes": ["delete"]})
        .content.decode()
    )
    assert 'href="tel:0570003110"' in page
    assert "https://www.jinken.go.jp" in page
    assert '<li class="tag">' in page


def test_the_triage_page_uses_the_chosen_desks_own_windows(web, supervisor, school_desk):
    room = Service.objects.create(
        slug="school-room",
        name="本校の相談室",
        description="学校の相談室",
        organization=Service.objects.get(slug="ihaho").organization,
        scope=Service.Scope.DESK,
        desk=school_desk,
        last_verified="2026-11-01",
    )
    query = {"situation": "victim", "flags": ["school_related"]}
    client = web(supervisor)
    assert room.name not in client.post("/triage/suggestions/", query).content.decode()
    page = client.post("/triage/suggestions/", {**query, "desk": "gifu-hs"}).content.decode()
    assert room.name in page


def test_the_slip_lists_the_chosen_windows_with_qr_codes_and_the_reference(web, counsellor, desk):
    CaseFactory(desk=desk, reference="GIFU-CITY-2026-0042", opened_by=counsellor)
    page = (
        web(counsellor)
        .get("/cases/slip/", {"service": ["ihaho", "jinken"], "reference": "GIFU-CITY-2026-0042"})
        .content.decode()
    )
    assert "相談窓口のご案内" in page
    assert "0570-003-110" in page and page.count("<svg") == 2
    assert "GIFU-CITY-2026-0042" in page


def test_the_slip_prints_no_reference_of_another_desk(web, counsellor, outsider, other_desk):
    CaseFactory(desk=other_desk, reference="OGAKI-CITY-2026-0007", opened_by=outsider)
    params = {"service": "ihaho", "reference": "OGAKI-CITY-2026-0007"}
    assert web(counsellor).get("/cases/slip/", params).status_code == 404
    assert web(outsider).get("/cases/slip/", params).status_code == 200


def test_the_slip_carries_nothing_but_a_reference(web, counsellor):
    page = (
        web(counsellor)
        .get("/cases/slip/", {"service": "ihaho", "reference": "田中花子 090-1234-5678"})
        .content.decode()
    )
    assert "田中" not in page and "090" not in page


def test_the_slip_refuses_no_or_unknown_windows_in_japanese(web, counsellor):
    assert web(counsellor).get("/cases/slip/").status_code == 400
    response = web(counsellor).get("/cases/slip/", {"service": "nowhere"})
    assert response.status_code == 400
    assert "見つかりません" in response.content.decode()


def test_the_slips_old_address_still_leads_to_it(web, counsellor):
    response = web(counsellor).get("/triage/slip/", {"service": ["ihaho", "jinken"]})
    assert response.status_code == 302
    assert response["Location"] == "/cases/slip/?service=ihaho&service=jinken"
