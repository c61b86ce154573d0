"""Digests unsent an hour after their time are shown to admins and to supervisors of the staff."""

import datetime

import pytest
from django.utils import timezone

from reminders.models import Digest

pytestmark = pytest.mark.django_db


def late_digest(user, *, hours: float) -> Digest:
    at = timezone.now() - datetime.timedelta(hours=hours)
    return Digest.objects.create(
        user=user, period=at.date(), scheduled_for=at, message_id=f"<{user.pk}.{hours}@example>"
    )


def test_the_supervisor_of_a_late_digests_recipient_sees_it_on_the_home_page(
    web, supervisor, counsellor
):
    late_digest(counsellor, hours=2)
    page = web(supervisor).get("/").content.decode()
    assert "1件の週間リマインダーが、予定時刻から1時間以上たっても送信されていません" in page


def test_a_digest_less_than_an_hour_late_is_not_shown(web, supervisor, counsellor):
    late_digest(counsellor, hours=0.5)
    assert "送信されていません" not in web(supervisor).get("/").content.decode()


def test_counsellors_and_supervisors_of_other_desks_are_not_told(
    web, counsellor, outsider, other_desk
):
    from tests.factories import MembershipFactory, UserFactory

    late_digest(counsellor, hours=2)
    elsewhere = MembershipFactory(
        user=UserFactory(username="elsewhere"), desk=other_desk, role="supervisor"
    ).user
    assert "送信されていません" not in web(counsellor).get("/").content.decode()
    assert "送信されていません" not in web(elsewhere).get("/").content.decode()


def test_the_admin_sees_the_late_digests_in_the_list_and_can_filter_them(
    admin_client, counsellor, deskmate
):
    late = late_digest(counsellor, hours=3)
    late_digest(deskmate, hours=0.2)
    page = admin_client.get("/admin/reminders/digest/").content.decode()
    assert "1件のリマインダーが、予定時刻から1時間以上たっても送信されていません" in page
    filtered = admin_client.get("/admin/reminders/digest/", {"unsent": "hour"})
    assert list(filtered.context["cl"].result_list) == [late]
