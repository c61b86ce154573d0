import factory

from accounts.models import Desk, Membership, User


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"desk-{n}")
    name = factory.Sequence(lambda n: f"相談デスク{n}")
    kind = Desk.Kind.MUNICIPAL
    prefecture = "岐阜県"
    municipality = "岐阜市"
    # Tests sign in without a second factor unless they turn it on for their desk.
    require_second_factor = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    desk = factory.SubFactory(DeskFactory)
    role = Membership.Role.COUNSELLOR
