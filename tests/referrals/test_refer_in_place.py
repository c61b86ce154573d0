"""A suggestion card records a referral in place; any other window is still reachable, in order."""

import datetime
import re

import pytest
from django.utils import timezone

from catalogue.models import Service
from referrals.models import Referral
from tests.referrals.followup_factories import CaseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def urgent_case(desk, counsellor):
    return CaseFactory(
        desk=desk,
        reference="GIFU-CITY-2026-0101",
        opened_by=counsellor,
        wishes=["delete"],
        categories=["revenge_porn"],
        flags=["suicidal"],
        channel="phone",
    )


def test_each_suggestion_card_offers_to_record_a_referral_with_the_follow_up_prefilled(
    web, counsellor, urgent_case
):
    page = web(counsellor).get(f"/cases/{urgent_case.reference}/").content.decode()
    safeline = Service.objects.get(slug="safeline")
    due = timezone.localdate() + datetime.timedelta(days=safeline.follow_up_days)
    card = page.split('id="refer-safeline"', 1)[1].split("</form>", 1)[0]
    assert f'name="service" value="{safeline.pk}"' in card
    assert f'value="{due:%Y-%m-%d}"' in card
    assert re.search(r'value="info_given"[^>]*checked', card)


def test_a_card_records_the_referral_and_shows_it_as_referred(web, counsellor, urgent_case):
    client = web(counsellor)
    safeline = Service.objects.get(slug="safeline")
    response = client.post(
        f"/follow-ups/cases/{urgent_case.reference}/refer/",
        {"service": safeline.pk, "method": "info_given", "follow_up_on": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert "案内済み" in response.content.decode()
    assert Referral.objects.get(case=urgent_case).service == safeline
    page = client.get(f"/cases/{urgent_case.reference}/").content.decode()
    card = page.split('id="refer-safeline"', 1)[1].split("</div>", 1)[0]
    assert "案内済み" in card and "<form" not in card


def test_a_method_that_needs_consent_is_refused_in_place_without_it(web, counsellor, urgent_case):
    response = web(counsellor).post(
        f"/follow-ups/cases/{urgent_case.reference}/refer/",
        {"service": Service.objects.get(slug="yorisoi").pk, "method": "warm_handoff"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "同意" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_from_a_card_to_another_desks_case_is_not_found(web, outsider, urgent_case):
    response = web(outsider).post(
        f"/follow-ups/cases/{urgent_case.reference}/refer/",
        {"service": Service.objects.get(slug="safeline").pk, "method": "info_given"},
        **HTMX,
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_an_unknown_window_from_a_card_is_a_400_not_a_500(web, counsellor, urgent_case):
    response = web(counsellor).post(
        f"/follow-ups/cases/{urgent_case.reference}/refer/",
        {"service": "999999", "method": "info_given"},
        **HTMX,
    )
    assert response.status_code == 400


def test_any_other_window_is_listed_urgent_first_then_by_rank_then_by_name(
    web, counsellor, urgent_case
):
    page = web(counsellor).get(f"/follow-ups/cases/{urgent_case.reference}/refer/")
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.content.decode())
    names = [name for _pk, name in options]
    slugs = dict(Service.objects.values_list("pk", "slug"))
    order = [slugs[int(pk)] for pk, _name in options]
    assert order[:3] == ["mamorouyo-kokoro", "yorisoi", "kokoro-dial"]
    assert order.index("safeline") < order.index("ipa-anshin")
    unsuggested = names[order.index("police-110") :]
    assert unsuggested == sorted(unsuggested, key=str.casefold)


def test_window_names_follow_the_english_interface(web, counsellor, urgent_case):
    client = web(counsellor)
    client.cookies["django_language"] = "en"
    page = client.get(f"/follow-ups/cases/{urgent_case.reference}/refer/").content.decode()
    assert Service.objects.get(slug="ihaho").name_en in page


def test_an_urgent_case_leads_with_the_protocol_fitted_to_the_channel(web, counsellor, urgent_case):
    page = web(counsellor).get(f"/cases/{urgent_case.reference}/").content.decode()
    protocol = page.split('id="urgent-heading"', 1)[1].split("</section>", 1)[0]
    assert "電話を切らずに" in protocol
    assert "相談記録には書きません" in protocol
    assert "よりそいホットライン" in protocol
    assert page.index('id="urgent-heading"') < page.index('id="suggestions-heading"')
    assert "button--danger" not in page


def test_a_case_with_no_urgent_flag_has_no_protocol(web, counsellor, desk):
    case = CaseFactory(desk=desk, opened_by=counsellor, wishes=["delete"])
    page = web(counsellor).get(f"/cases/{case.reference}/").content.decode()
    assert 'id="urgent-heading"' not in page


def test_the_urgent_protocol_and_the_card_read_in_english(web, counsellor, urgent_case):
    client = web(counsellor)
    client.cookies["django_language"] = "en"
    page = client.get(f"/cases/{urgent_case.reference}/").content.decode()
    assert "What to do now" in page and "Stay on the line" in page
    assert "Record a referral here" in page
