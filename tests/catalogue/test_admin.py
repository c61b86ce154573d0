import datetime

import pytest
from django.utils import timezone

from catalogue.models import Service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/catalogue/service/"


@pytest.fixture
def site_admin():
    return UserFactory(
        username="site-admin", is_staff=True, is_superuser=True, second_factor_exempt=True
    )


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


@pytest.fixture
def stale():
    service = Service.objects.get(slug="ihaho")
    service.last_verified = timezone.localdate() - datetime.timedelta(days=400)
    service.save()
    return service


def listed(response):
    return [service.slug for service in response.context["cl"].result_list]


def test_the_admin_list_filters_windows_due_for_review(admin_client, stale):
    due = listed(admin_client.get(LIST, {"review": "due"}))
    fresh = listed(admin_client.get(LIST, {"review": "fresh"}))

    assert due == ["ihaho"]
    assert "ihaho" not in fresh and "safeline" in fresh
    assert "要確認" in admin_client.get(LIST).content.decode()


def test_the_admin_list_sorts_by_age_since_verification(admin_client, stale):
    column = 7  # "age": list_display's eighth column (the checkbox column is not counted)
    oldest_first = listed(admin_client.get(LIST, {"o": f"-{column}"}))

    assert oldest_first[0] == "ihaho"


def test_a_windows_admin_page_shows_who_changed_what_and_when(admin_client, site_admin):
    service = Service.objects.get(slug="safeline")
    service.hours = "24時間（Webフォーム）"
    service._history_user = site_admin
    service.save()

    page = admin_client.get(f"{LIST}{service.pk}/change/").content.decode()

    assert "変更履歴" in page
    assert "site-admin" in page
    assert "受付時間" in page
    assert "HSDS識別子" in page and str(service.uuid) in page
