"""One intake flow: the menu leads to it, and 案内先をさがす turns into it without losing answers."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_menu_offers_recording_an_intake_to_counsellors(web, counsellor):
    page = web(counsellor).get("/").content.decode()
    assert re.search(r'<a href="/cases/new/"[^>]*>相談を受け付ける</a>', page)


def test_the_menu_offers_no_intake_to_a_supervisor_who_counsels_nowhere(web, supervisor):
    assert "相談を受け付ける" not in web(supervisor).get("/").content.decode()


def test_the_intake_page_is_the_current_menu_item_not_the_case_list(web, counsellor):
    page = web(counsellor).get("/cases/new/").content.decode()
    assert re.search(r'<a href="/cases/new/" aria-current="page">', page)
    assert not re.search(r'<a href="/cases/" aria-current="page">', page)


def test_the_triage_page_offers_to_turn_into_an_intake(web, counsellor):
    page = web(counsellor).get("/triage/").content.decode()
    assert 'formaction="/cases/new/"' in page
    assert "この内容で相談を受け付ける" in page


def test_answers_from_the_triage_page_are_kept_on_the_intake(web, counsellor):
    query = (
        "situation=victim&wishes=delete&wishes=talk&categories=revenge_porn"
        "&flags=minor&flags=suicidal&desk=gifu-city"
    )
    page = web(counsellor).get(f"/cases/new/?{query}").content.decode()
    for name, value in [
        ("situation", "victim"),
        ("wishes", "delete"),
        ("wishes", "talk"),
        ("categories", "revenge_porn"),
        ("flags", "minor"),
        ("flags", "suicidal"),
    ]:
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', page), (name, value)
    assert not re.search(r'name="wishes" value="damages"[^>]*checked', page)
    # The suggestions are there at once, urgent lines first.
    assert page.index("よりそいホットライン") < page.index("セーフライン")


def test_an_unknown_code_carried_over_is_dropped_not_a_server_error(web, counsellor):
    response = web(counsellor).get("/cases/new/?situation=victim&wishes=nonsense")
    assert response.status_code == 200
    assert 'name="situation" value="victim"' in response.content.decode()


def test_page_titles_are_separated_from_the_product_name(web, counsellor):
    page = web(counsellor).get("/").content.decode()
    assert "<title>ホーム｜つなぐ</title>" in page


def test_the_admin_names_the_product(client):
    client.force_login(
        UserFactory(username="root", is_staff=True, is_superuser=True, second_factor_exempt=True)
    )
    page = client.get("/admin/").content.decode()
    assert "つなぐ" in page
    assert "Django 管理サイト" not in page and "Django administration" not in page
