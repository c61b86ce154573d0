import datetime

import pytest

from catalogue.hsds.validation import page_errors, service_errors
from catalogue.models import Organization, Service

URL = "/api/v1/hsds/services/"


@pytest.fixture
def ogaki_window(other_desk):
    return Service.objects.create(
        slug="ogaki-room",
        name="大垣市 相談室",
        organization=Organization.objects.create(slug="ogaki-office", name="大垣市役所"),
        description="大垣市の相談",
        scope=Service.Scope.DESK,
        desk=other_desk,
        last_verified=datetime.date(2026, 11, 1),
    )


def test_staff_read_their_catalogue_as_a_valid_hsds_page(api, counsellor, ogaki_window):
    page = api(counsellor).get(URL, {"per_page": 5}).json()

    assert page_errors(page) == []
    assert (page["size"], page["first_page"], page["last_page"]) == (5, True, False)
    every = api(counsellor).get(URL, {"per_page": 200}).json()
    assert str(ogaki_window.uuid) not in [item["id"] for item in every["contents"]]
    assert every["total_items"] == Service.objects.exclude(pk=ogaki_window.pk).count()


def test_one_service_in_full_validates_and_another_desks_is_a_404(
    api, counsellor, outsider, ogaki_window
):
    safeline = Service.objects.get(slug="safeline")
    document = api(counsellor).get(f"{URL}{safeline.uuid}/").json()

    assert service_errors(document) == []
    assert document["name"] == "セーフライン"
    assert api(counsellor).get(f"{URL}{ogaki_window.uuid}/").status_code == 404
    assert api(outsider).get(f"{URL}{ogaki_window.uuid}/").status_code == 200


def test_a_bad_page_size_is_a_400_naming_it(api, counsellor):
    response = api(counsellor).get(URL, {"per_page": "0"})
    assert response.status_code == 400
    assert "per_page" in response.json()


@pytest.mark.parametrize("value", ["50.0", "5e1", "1.", "２", "two"])
def test_a_page_that_is_not_written_as_an_integer_is_a_400_naming_it(api, counsellor, value):
    # DRF alone reads "50.0" as 50, which the schema (an integer) does not allow.
    for name in ("page", "per_page"):
        response = api(counsellor).get(URL, {name: value})
        assert response.status_code == 400
        assert name in response.json()
    assert api(counsellor).get(URL, {"page": " 1 ", "per_page": "+5"}).status_code == 200


def test_anonymous_callers_get_no_feed(api, db):
    assert api().get(URL).status_code in {401, 403}
