"""The slip is the person's take-away: the desk to come back to, the chosen windows, a checklist."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from catalogue.models import EvidenceItem
from tests.referrals.followup_factories import CaseFactory

pytestmark = pytest.mark.django_db

SCREENSHOT = re.compile(r"スクリーンショット|screenshot|スクショ|撮", re.IGNORECASE)


def slip(client, **params):
    params.setdefault("service", ["ihaho", "jinken"])
    response = client.get("/cases/slip/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_slip_prints_the_desks_name_and_phone_for_coming_back(web, counsellor, desk):
    desk.phone = "058-000-1234"
    desk.save()
    page = slip(web(counsellor))
    assert "岐阜市 相談窓口" in page
    assert "058-000-1234" in page


def test_the_slip_of_a_case_names_the_cases_desk(web, counsellor, desk):
    CaseFactory(desk=desk, reference="GIFU-CITY-2026-0042", opened_by=counsellor)
    page = slip(web(counsellor), reference="GIFU-CITY-2026-0042")
    assert "岐阜市 相談窓口" in page


def test_the_checklist_asks_for_url_time_account_and_screenshots(web, counsellor):
    page = slip(web(counsellor), wishes=["talk"], categories=["defamation"])
    for words in ("URL", "日時", "アカウント名", "スクリーンショット"):
        assert words in page
    assert "7日以内" not in page and "アクセスログ" not in page


def test_the_checklist_adds_the_deadlines_for_deletion_and_identifying_the_poster(web, counsellor):
    page = slip(web(counsellor), wishes=["delete", "damages"], categories=["defamation"])
    assert "7日以内" in page
    assert "アクセスログ" in page


@pytest.mark.parametrize(
    "codes",
    [
        {"categories": ["csam"]},
        {"categories": ["revenge_porn"], "flags": ["minor"]},
    ],
)
def test_the_checklist_for_a_childs_sexual_image_never_asks_for_a_screenshot(
    web, counsellor, codes
):
    page = slip(web(counsellor), wishes=["delete", "damages"], **codes)
    checklist = page.split('id="evidence-heading"', 1)[1].split("</section>", 1)[0]
    assert "保存・転送しない" in checklist
    assert "URL" in checklist
    assert not SCREENSHOT.search(checklist)


def test_the_checklist_follows_the_recorded_case(web, counsellor, desk):
    CaseFactory(
        desk=desk,
        reference="GIFU-CITY-2026-0043",
        opened_by=counsellor,
        categories=["revenge_porn"],
        flags=["minor"],
    )
    page = slip(web(counsellor), reference="GIFU-CITY-2026-0043")
    assert "保存・転送しない" in page
    assert "スクリーンショット" not in page


def test_the_checklist_is_translated_in_the_english_interface(web, counsellor):
    client = web(counsellor)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = slip(client, categories=["csam"])
    assert "Do not copy, save or forward" in page


def test_an_admin_cannot_make_the_csam_checklist_ask_for_a_screenshot(db):
    item = EvidenceItem(applies=EvidenceItem.Applies.CSAM, text="画面のスクリーンショットを撮る")
    with pytest.raises(ValidationError):
        item.full_clean()
    item.text, item.text_en = "URLを控える", "Take a screenshot"
    with pytest.raises(ValidationError):
        item.full_clean()


def test_every_shipped_csam_item_has_an_english_translation(db):
    items = EvidenceItem.objects.all()
    assert items.filter(applies=EvidenceItem.Applies.CSAM).count() >= 3
    assert all(item.text_en for item in items)


def test_the_intake_ticks_the_non_urgent_windows_and_the_urgent_ones_not_three_crisis_lines(
    web, counsellor
):
    query = "situation=victim&wishes=delete&categories=revenge_porn&flags=suicidal&desk=gifu-city"
    page = web(counsellor).get(f"/cases/new/?{query}").content.decode()
    ticked = re.findall(r'name="service" value="([a-z0-9-]+)" form="slip-form" checked', page)
    assert {"mamorouyo-kokoro", "yorisoi", "kokoro-dial"} <= set(ticked)
    assert "safeline" in ticked
    assert len(ticked) == 6
