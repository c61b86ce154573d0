"""The fixed cast every test uses: who owns, who shares the desk, who must not see."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Desk, Membership
from tests.factories import DeskFactory, MembershipFactory, UserFactory

pytest_plugins = ["tests.case_fixtures"]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def desk(db):
    return DeskFactory(slug="gifu-city", name="岐阜市 相談窓口", municipality="岐阜市")


@pytest.fixture
def school_desk(db):
    return DeskFactory(
        slug="gifu-hs", name="岐阜中央高校 相談室", kind=Desk.Kind.SCHOOL, municipality="岐阜市"
    )


@pytest.fixture
def other_desk(db):
    return DeskFactory(slug="ogaki-city", name="大垣市 相談窓口", municipality="大垣市")


@pytest.fixture
def counsellor(desk):
    """The counsellor who owns the cases in a test."""
    return MembershipFactory(user=UserFactory(username="owner"), desk=desk).user


@pytest.fixture
def deskmate(desk):
    """A counsellor of the same desk, who may see and act on the owner's cases."""
    return MembershipFactory(user=UserFactory(username="deskmate"), desk=desk).user


@pytest.fixture
def outsider(other_desk):
    """A counsellor of another desk, who must never see the owner's cases."""
    return MembershipFactory(user=UserFactory(username="outsider"), desk=other_desk).user


@pytest.fixture
def supervisor(desk, school_desk):
    """A supervisor overseeing the owner's desk and the school desk."""
    user = UserFactory(username="supervisor")
    MembershipFactory(user=user, desk=desk, role=Membership.Role.SUPERVISOR)
    MembershipFactory(user=user, desk=school_desk, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def api():
    """Return an API client signed in as the given user (or anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def web(db):
    """Return a browser-like test client signed in as the given user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def fresh_suggestion_rules():
    """Compile the suggestion rules afresh in each test, as each test's database starts afresh."""
    from triage.engine import forget_ruleset

    forget_ruleset()


def pytest_collection_modifyitems(items):
    """Give every transactional test a serialized rollback.

    A flush without it re-creates content types under new ids, and the next test that
    restores the migration-seeded data then collides with them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}))


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's superuser, exempt from the second factor (tested in tests/accounts)."""
    return django_user_model.objects.create_superuser(
        "admin", "admin@example.com", "password", second_factor_exempt=True
    )
