import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from catalogue.models import Organization, Phone, Service
from catalogue.seed import SEED_SLUGS

DOMAIN = Path(__file__).resolve().parents[3] / "shared" / "spec" / "domain.md"


def domain_slugs() -> set[str]:
    """Read every window slug from the domain reference's catalogue tables."""
    text = DOMAIN.read_text(encoding="utf-8")
    catalogue = text.split("## Catalogue", 1)[1].split("## The flyer's mapping", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", catalogue, flags=re.MULTILINE))


def all_results(client, url):
    results = []
    while url:
        page = client.get(url).json()
        results += page["results"]
        url = page["next"]
    return results


@pytest.mark.skipif(not DOMAIN.exists(), reason="the domain reference is not beside the project")
def test_the_seed_covers_every_window_of_the_domain_reference():
    assert domain_slugs() <= SEED_SLUGS
    assert len(domain_slugs()) == 19


def test_every_seed_window_is_listed_by_the_api_right_after_migrate(api, counsellor):
    results = all_results(api(counsellor), "/api/v1/catalogue/services/")
    assert {service["slug"] for service in results} >= SEED_SLUGS
    houterasu = next(service for service in results if service["slug"] == "houterasu")
    assert houterasu["phone"] == "0570-078374"
    assert houterasu["organization"]["name"].startswith("日本司法支援センター")
    for field in ["name", "actions", "channels", "url", "hours", "eligibility", "last_verified"]:
        assert field in houterasu


def test_the_api_refuses_anonymous_callers(api, db):
    assert api().get("/api/v1/catalogue/services/").status_code in {401, 403}
    assert api().get("/api/v1/catalogue/services/safeline/").status_code in {401, 403}


def test_the_api_accepts_a_token(client, counsellor):
    from accounts.services import staff_token

    key = staff_token(username="owner")
    response = client.get("/api/v1/catalogue/services/ihaho/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["name"] == "違法・有害情報相談センター"


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("action=deletion_request", {"jinken", "safeline", "internet-hotline-center"}, {"ihaho"}),
        ("channel=email", {"houterasu", "ipa-anshin"}, {"safeline"}),
        ("category=malware_access", {"ipa-anshin", "ihaho"}, {"consumer-188"}),
    ],
)
def test_the_api_filters_by_code(api, counsellor, query, expected, absent):
    slugs = {
        s["slug"] for s in all_results(api(counsellor), f"/api/v1/catalogue/services/?{query}")
    }
    assert expected <= slugs
    assert not absent & slugs


def test_an_unknown_filter_code_is_a_400_naming_the_field(api, counsellor):
    response = api(counsellor).get("/api/v1/catalogue/services/?channel=pigeon")
    assert response.status_code == 400
    assert "pigeon" in response.json()["channel"][0]


@pytest.fixture
def local_window(desk):
    return Service.objects.create(
        slug="gifu-city-room",
        name="岐阜市の相談室",
        organization=Organization.objects.create(slug="gifu", name="岐阜市"),
        description="市の相談室",
        scope=Service.Scope.DESK,
        desk=desk,
        last_verified=timezone.localdate(),
    )


def test_a_desks_local_window_is_shown_to_its_own_staff(api, counsellor, local_window):
    assert api(counsellor).get("/api/v1/catalogue/services/gifu-city-room/").status_code == 200


def test_a_desks_local_window_is_hidden_from_other_desks(api, web, outsider, local_window):
    assert api(outsider).get("/api/v1/catalogue/services/gifu-city-room/").status_code == 404
    slugs = {s["slug"] for s in all_results(api(outsider), "/api/v1/catalogue/services/")}
    assert "gifu-city-room" not in slugs
    assert web(outsider).get("/catalogue/gifu-city-room/").status_code == 404


def test_inactive_windows_are_not_listed(api, counsellor):
    Service.objects.filter(slug="bullying-hotline").update(is_active=False)
    slugs = {s["slug"] for s in all_results(api(counsellor), "/api/v1/catalogue/services/")}
    assert "bullying-hotline" not in slugs


def test_an_entry_unverified_for_180_days_is_flagged_for_review(web, api, counsellor):
    stale = timezone.localdate() - datetime.timedelta(days=181)
    Service.objects.filter(slug="safeline").update(last_verified=stale)

    assert api(counsellor).get("/api/v1/catalogue/services/safeline/").json()["needs_review"]
    assert not api(counsellor).get("/api/v1/catalogue/services/ihaho/").json()["needs_review"]
    assert "情報の確認が必要" in web(counsellor).get("/catalogue/?q=セーフライン").content.decode()
    assert "確認されていません" in web(counsellor).get("/catalogue/safeline/").content.decode()


def test_the_catalogue_page_filters_windows_for_children(web, counsellor):
    page = web(counsellor).get("/catalogue/?children=1").content.decode()
    assert "24時間子供SOSダイヤル" in page
    assert "セーフライン" not in page


def test_the_catalogue_page_links_phones_and_sites(web, counsellor):
    page = web(counsellor).get("/catalogue/?q=法テラス").content.decode()
    assert 'href="tel:0570078374"' in page
    assert 'href="https://www.houterasu.or.jp/"' in page


def test_the_catalogue_page_answers_htmx_with_the_results_only(web, counsellor):
    response = web(counsellor).get("/catalogue/?action=advice", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "件の窓口" in response.content.decode()


def test_unknown_filter_codes_on_the_page_are_ignored_not_errors(web, counsellor):
    assert web(counsellor).get("/catalogue/?action=<script>&channel=x").status_code == 200


def test_a_desk_window_without_a_desk_cannot_be_saved(db):
    service = Service(
        slug="orphan",
        name="x",
        description="x",
        scope=Service.Scope.DESK,
        organization=Organization.objects.create(slug="o", name="o"),
        last_verified=timezone.localdate(),
    )
    with pytest.raises(Exception, match="デスクを指定"):
        service.full_clean()


def test_unknown_codes_cannot_be_saved_on_a_window(db):
    service = Service.objects.get(slug="ihaho")
    service.actions = ["advice", "teleport"]
    with pytest.raises(Exception, match="teleport"):
        service.full_clean()


TEL_URI = re.compile(r"tel:(?:\+|%23|\*)?[0-9]+")


def test_every_phone_link_of_the_catalogue_dials_the_number(db):
    phones = list(Phone.objects.select_related("service"))
    assert len(phones) >= 10
    for phone in phones:
        assert TEL_URI.fullmatch(phone.tel_uri), (phone.service.slug, phone.number, phone.tel_uri)
        digits = "".join(ch for ch in phone.number if ch.isdigit())
        assert phone.tel_uri.endswith(digits)


def test_a_short_number_with_a_hash_is_escaped_in_its_link(db):
    assert Phone.objects.get(service__slug="one-stop-8891", number__contains="8891").tel_uri == (
        "tel:%238891"
    )


def test_every_phone_link_on_the_catalogue_page_dials(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get("/catalogue/").content.decode()
    links = re.findall(r'href="(tel:[^"]*)"', page)
    assert "tel:%238891" in links
    for link in links:
        assert TEL_URI.fullmatch(link), link
