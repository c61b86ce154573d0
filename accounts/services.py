"""Writes for staff and desks."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import Desk, Membership, User


@transaction.atomic
def staff_add(
    *,
    username: str,
    desk_slug: str,
    role: str,
    email: str = "",
    password: str | None = None,
    validate: bool = True,
) -> Membership:
    """Create the user if needed and give them a role at a desk."""
    if role not in Membership.Role.values:
        raise ValidationError(
            _("役割「%(role)s」はありません。counsellor か supervisor を指定してください。")
            % {"role": role}
        )
    try:
        desk = Desk.objects.get(slug=desk_slug)
    except Desk.DoesNotExist:
        raise ValidationError(_("デスク「%(slug)s」はありません。") % {"slug": desk_slug}) from None
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email)
        if password is None:
            user.set_unusable_password()
        else:
            if validate:
                validate_password(password, user)
            user.set_password(password)
        user.full_clean()
        user.save()
    else:
        if email and user.email != email:
            user.email = email
            user.full_clean()
            user.save(update_fields=["email"])
        if password is not None:
            if validate:
                validate_password(password, user)
            user.set_password(password)
            user.save(update_fields=["password"])
    membership, _created = Membership.objects.update_or_create(
        user=user, desk=desk, defaults={"role": role}
    )
    return membership


def staff_token(*, username: str) -> str:
    """Return the user's API token, creating it on first use."""
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise ValidationError(
            _("職員「%(username)s」はいません。") % {"username": username}
        ) from None
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
