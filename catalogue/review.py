"""The monthly mail that tells each admin which windows of the areas they keep need checking.

Healthchecks-style: one row per admin and month is created, then claimed with a conditional
UPDATE before it is sent, so a second sweep (or a second worker) sends nothing twice; a
crash between sending and marking resends with the same Message-ID.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.access import desk_ids_for
from accounts.models import User
from catalogue.hsds.export import area_name
from catalogue.models import ReviewDigest, Service
from catalogue.selectors import services_for
from core.emails import build_email

# A claim older than this is taken to have died with its worker.
CLAIM_SECONDS = 600


@dataclass(frozen=True)
class ReviewFlag:
    """A reason, found outside the catalogue, for an admin to look at some windows again."""

    code: str
    label: str
    finder: Callable[[], set[int]]


_flags: dict[str, ReviewFlag] = {}


def register_review_flag(code: str, label, finder: Callable[[], set[int]]) -> None:
    """Add a reason for review: shown as an admin list filter and in the monthly mail."""
    _flags[code] = ReviewFlag(code=code, label=label, finder=finder)


def review_flags() -> list[ReviewFlag]:
    return list(_flags.values())


def flagged_windows_for(user: User) -> list[tuple[ReviewFlag, list[Service]]]:
    """Return, for each registered reason, the windows the admin keeps that it flags."""
    found = []
    for flag in review_flags():
        ids = flag.finder()
        if not ids:
            continue
        if user.is_superuser and not desk_ids_for(user):
            services = Service.objects.active()
        else:
            services = services_for(user)
        windows = list(services.filter(id__in=ids).order_by("name"))
        if windows:
            found.append((flag, windows))
    return found


def review_recipients() -> QuerySet[User]:
    """Return the active admins with an address who may edit the catalogue."""
    permission = Permission.objects.filter(
        codename="change_service", content_type__app_label="catalogue"
    ).first()
    may_edit = Q(is_superuser=True)
    if permission is not None:
        may_edit |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return User.objects.filter(may_edit, is_active=True, is_staff=True).exclude(email="").distinct()


def windows_due_for(user: User, *, today: datetime.date) -> list[Service]:
    """Return the windows an admin keeps that have gone unverified too long, oldest first.

    An admin who belongs to desks keeps the national windows and those of the desks' areas;
    a superuser without a desk keeps the whole catalogue.
    """
    if user.is_superuser and not desk_ids_for(user):
        services = Service.objects.active().select_related("desk")
    else:
        services = services_for(user).select_related("desk")
    limit = today - datetime.timedelta(days=settings.CATALOGUE_REVIEW_AFTER_DAYS)
    return list(services.filter(last_verified__lt=limit).order_by("last_verified", "name"))


def _message_id(user_id: int, period: datetime.date) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<review-{period:%Y%m}-{user_id}@{domain}>"


def _admin_url(service: Service) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "admin:catalogue_service_change", args=[service.pk]
    )


def _send(
    digest: ReviewDigest,
    windows: list[Service],
    today: datetime.date,
    flagged: list[tuple[ReviewFlag, list[Service]]],
) -> None:
    areas: dict[str, list[dict]] = {}
    for service in windows:
        areas.setdefault(area_name(service), []).append(
            {
                "name": service.name,
                "last_verified": service.last_verified,
                "days": (today - service.last_verified).days,
                "url": _admin_url(service),
            }
        )
    build_email(
        "catalogue-review",
        {
            "recipient_name": digest.user.get_full_name() or digest.user.username,
            "period": digest.period,
            "count": len(windows) + sum(len(found) for _flag, found in flagged),
            "areas": sorted(areas.items()),
            "review_after_days": settings.CATALOGUE_REVIEW_AFTER_DAYS,
            "list_url": settings.SITE_URL.rstrip("/")
            + reverse("admin:catalogue_service_changelist")
            + "?review=due",
            "flagged": [
                {
                    "label": flag.label,
                    "windows": [{"name": w.name, "url": _admin_url(w)} for w in found],
                    "list_url": settings.SITE_URL.rstrip("/")
                    + reverse("admin:catalogue_service_changelist")
                    + f"?flag={flag.code}",
                }
                for flag, found in flagged
            ],
        },
        to=[digest.user.email],
        headers={"Message-ID": digest.message_id},
    ).send()


def review_digest_sweep(*, now: datetime.datetime | None = None) -> int:
    """Send this month's review mail to every admin who has windows due; return how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = today.replace(day=1)
    for user in review_recipients():
        ReviewDigest.objects.get_or_create(
            user=user, period=period, defaults={"message_id": _message_id(user.pk, period)}
        )
    sent = 0
    stale = now - datetime.timedelta(seconds=CLAIM_SECONDS)
    for digest in ReviewDigest.objects.filter(period=period, sent_at__isnull=True).select_related(
        "user"
    ):
        claimed = (
            ReviewDigest.objects.filter(pk=digest.pk, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .update(claimed_at=now)
        )
        if not claimed:
            continue
        windows = windows_due_for(digest.user, today=today)
        flagged = flagged_windows_for(digest.user)
        count = len(windows) + sum(len(found) for _flag, found in flagged)
        if count:
            _send(digest, windows, today, flagged)
            sent += 1
        ReviewDigest.objects.filter(pk=digest.pk).update(sent_at=now, item_count=count)
    return sent
