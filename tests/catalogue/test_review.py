import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import Organization, ReviewDigest, Service
from catalogue.review import review_digest_sweep
from tests.factories import MembershipFactory, UserFactory

NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 0))


@pytest.fixture
def stale_windows(desk, other_desk):
    Service.objects.filter(slug="ihaho").update(last_verified=datetime.date(2026, 1, 5))
    organization = Organization.objects.create(slug="cities", name="市役所")
    for slug, city in (("gifu-local", "岐阜市"), ("ogaki-local", "大垣市")):
        Service.objects.create(
            slug=slug,
            name=f"{city} 相談窓口",
            organization=organization,
            description="市の相談",
            scope=Service.Scope.MUNICIPALITY,
            prefecture="岐阜県",
            municipality=city,
            last_verified=datetime.date(2026, 2, 1),
        )


@pytest.mark.django_db
def test_an_admin_of_a_desk_hears_only_of_the_windows_of_its_area(stale_windows, desk):
    admin = UserFactory(
        username="gifu-admin", email="g@example.jp", is_staff=True, is_superuser=True
    )
    MembershipFactory(user=admin, desk=desk, role="supervisor")

    assert review_digest_sweep(now=NOW) == 1

    body = mail.outbox[0].body
    assert "岐阜市 相談窓口" in body and "違法・有害情報相談センター" in body
    assert "大垣市 相談窓口" not in body


@pytest.mark.django_db
def test_a_second_sweep_in_the_month_sends_nothing_again(stale_windows):
    UserFactory(username="root", email="root@example.jp", is_staff=True, is_superuser=True)

    review_digest_sweep(now=NOW)
    review_digest_sweep(now=NOW + datetime.timedelta(days=3))

    assert len(mail.outbox) == 1
    assert ReviewDigest.objects.get().item_count == 3


@pytest.mark.django_db
def test_counsellors_get_no_review_mail(stale_windows, counsellor):
    review_digest_sweep(now=NOW)
    assert mail.outbox == []


@pytest.mark.django_db
def test_sendreminders_sends_the_review_mail_once_a_month(stale_windows):
    UserFactory(username="root", email="root@example.jp", is_staff=True, is_superuser=True)

    call_command("sendreminders", "--at", NOW.isoformat())
    call_command("sendreminders", "--at", (NOW + datetime.timedelta(days=1)).isoformat())

    reviews = [m for m in mail.outbox if m.to == ["root@example.jp"]]
    assert len(reviews) == 1
