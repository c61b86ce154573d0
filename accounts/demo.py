"""Demo desks and staff for ``loaddemo``."""

import os

from accounts.models import Desk, Membership, User

DEFAULT_DEMO_PASSWORD = "tsunagu-demo-2026"

DESKS = [
    {
        "slug": "gifu-city",
        "name": "岐阜市 ネットトラブル相談窓口",
        "kind": Desk.Kind.MUNICIPAL,
        "prefecture": "岐阜県",
        "municipality": "岐阜市",
        "require_second_factor": False,
        "phone": "058-000-1234",
    },
    {
        "slug": "gifu-hs",
        "name": "岐阜中央高等学校 教育相談室",
        "kind": Desk.Kind.SCHOOL,
        "prefecture": "岐阜県",
        "municipality": "岐阜市",
        "require_second_factor": False,
        "phone": "058-000-5678",
    },
]

# username, email, [(desk slug, role)], superuser
STAFF = [
    ("demo-counsellor", "counsellor@example.jp", [("gifu-city", "counsellor")], False),
    ("demo-school", "school@example.jp", [("gifu-hs", "counsellor")], False),
    (
        "demo-supervisor",
        "supervisor@example.jp",
        [("gifu-city", "supervisor"), ("gifu-hs", "supervisor")],
        False,
    ),
    ("demo-admin", "admin@example.jp", [], True),
]


def load(stdout) -> None:
    """Create the demo desks and users; set every demo password to DEMO_PASSWORD."""
    desks = {}
    for fields in DESKS:
        desks[fields["slug"]], _ = Desk.objects.update_or_create(
            slug=fields["slug"], defaults=fields
        )
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    new_users = []
    for username, email, memberships, superuser in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": email, "is_staff": superuser, "is_superuser": superuser},
        )
        if not user.second_factor_exempt:
            # The README's demo sign-ins work without an authenticator app.
            user.second_factor_exempt = True
            user.save(update_fields=["second_factor_exempt"])
        if created or os.environ.get("DEMO_PASSWORD"):
            user.set_password(password)
            user.save(update_fields=["password"])
        if created:
            new_users.append(username)
        for slug, role in memberships:
            Membership.objects.update_or_create(
                user=user, desk=desks[slug], defaults={"role": role}
            )
    if new_users:
        stdout.write(f"デモ用ユーザー / demo users: {', '.join(new_users)}")
        if not os.environ.get("DEMO_PASSWORD"):
            stdout.write(f"パスワード / password: {password}  (DEMO_PASSWORD で変更できます)")
