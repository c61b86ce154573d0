"""Demo local windows for ``loaddemo``: the flyer asks desks to add their own."""

import datetime
from typing import Any

from accounts.models import Desk
from catalogue.models import Organization, Phone, Schedule, Service
from catalogue.seed import SEED_VERIFIED, load_catalogue

LOCAL_WINDOWS: list[dict[str, Any]] = [
    {
        "slug": "gifu-hs-counselling-room",
        "name": "岐阜中央高等学校 スクールカウンセラー相談室",
        "organization": ("gifu-chuo-hs", "岐阜中央高等学校"),
        "description": "生徒と保護者の相談を、スクールカウンセラーと担当教員が受けます。いじめの相談は学校いじめ対策組織につなぎます。",
        "actions": ["advice", "emotional_support"],
        "channels": ["in_person", "phone"],
        "categories": [],
        "audience": "children",
        "scope": Service.Scope.DESK,
        "desk": "gifu-hs",
        "hours": "授業日 8:30〜17:00",
        "phone": ("058-000-0001", "main", "授業日 8:30〜17:00", "教育相談室直通（デモ用の番号）"),
        "schedule": (["MO", "TU", "WE", "TH", "FR"], "08:30", "17:00"),
    },
    {
        "slug": "gifu-city-jinken-shohi",
        "name": "岐阜市 人権・消費生活相談",
        "organization": ("gifu-city-office", "岐阜市役所"),
        "description": "市民の人権相談と消費生活相談を受け付け、必要に応じて法務局や消費生活センターにつなぎます。",
        "actions": ["advice"],
        "channels": ["in_person", "phone"],
        "categories": ["defamation", "privacy", "fraud", "other"],
        "audience": "all",
        "scope": Service.Scope.MUNICIPALITY,
        "prefecture": "岐阜県",
        "municipality": "岐阜市",
        "hours": "平日 8:45〜17:30",
        "phone": ("058-000-0002", "main", "平日 8:45〜17:30", "デモ用の番号"),
        "schedule": (["MO", "TU", "WE", "TH", "FR"], "08:45", "17:30"),
    },
]


def load(stdout) -> None:
    """Make sure the seed catalogue is complete and add the demo desks' local windows."""
    load_catalogue(Organization, Service, Phone, Schedule)
    for entry in LOCAL_WINDOWS:
        fields = dict(entry)
        org_slug, org_name = fields.pop("organization")
        number, kind, hours, note = fields.pop("phone")
        weekdays, opens, closes = fields.pop("schedule")
        fields["organization"], _ = Organization.objects.get_or_create(
            slug=org_slug, defaults={"name": org_name}
        )
        if "desk" in fields:
            fields["desk"] = Desk.objects.get(slug=fields["desk"])
        service, created = Service.objects.get_or_create(
            slug=fields.pop("slug"),
            defaults={**fields, "languages": ["ja"], "last_verified": SEED_VERIFIED},
        )
        if created:
            Phone.objects.create(service=service, number=number, kind=kind, hours=hours, note=note)
        if not service.schedules.exists():
            Schedule.objects.create(
                service=service,
                weekdays=weekdays,
                opens_at=datetime.time.fromisoformat(opens),
                closes_at=datetime.time.fromisoformat(closes),
                closed_on_holidays=True,
                closed_year_end=True,
            )
