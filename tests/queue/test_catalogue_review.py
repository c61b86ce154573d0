"""The monthly review mail, sent by a real worker through an SMTP sink."""

import datetime
from email import message_from_bytes, policy

import pytest

from catalogue.models import ReviewDigest, Service
from catalogue.tasks import send_review_digests
from tests.factories import UserFactory
from tests.queue.conftest import wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AT = "2026-12-01T08:00:00+09:00"


def test_the_worker_mails_each_admin_the_windows_due_once(broker, smtp, worker):
    UserFactory(
        username="catalogue-admin", email="admin@example.jp", is_staff=True, is_superuser=True
    )
    Service.objects.filter(slug="ihaho").update(last_verified=datetime.date(2026, 1, 5))

    send_review_digests.delay(at=AT)
    wait_for(lambda: smtp.sink.counts(), timeout=60, what="the review mail")
    send_review_digests.delay(at=AT)
    wait_for(
        lambda: ReviewDigest.objects.filter(sent_at__isnull=False).count() == 1,
        timeout=30,
        what="the digest to be marked sent",
    )

    digest = ReviewDigest.objects.get()
    reviews = {key: n for key, n in smtp.sink.counts().items() if key.startswith("<review-")}
    assert reviews == {digest.message_id: 1}
    mail = next(
        message
        for message in (
            message_from_bytes(body, policy=policy.default) for body in smtp.sink.bodies
        )
        if message["Message-ID"] == digest.message_id
    )
    assert mail["Subject"].strip() == "【つなぐ】2026年12月 確認が必要な窓口（1件）"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "■ 日本" in text and "違法・有害情報相談センター" in text
    assert "?review=due" in text
