"""Reads of retention data, scoped by the access gate to the desks a user supervises."""

from django.db.models import QuerySet

from accounts.access import supervised_desk_ids
from accounts.models import User
from cases.models import Case
from retention.models import LegalHold, ShreddedText


def active_holds_for(user: User) -> QuerySet[LegalHold]:
    """Return the holds in force on cases of the desks the user supervises, oldest first."""
    return (
        LegalHold.objects.filter(
            lifted_at__isnull=True, case__desk_id__in=supervised_desk_ids(user)
        )
        .select_related("case", "case__desk", "placed_by")
        .order_by("placed_at", "id")
    )


def case_retention(case: Case) -> dict:
    """Return what retention has to show on a case the caller has already access-checked."""
    return {
        "shredded": ShreddedText.objects.filter(case=case).first(),
        "hold": LegalHold.objects.filter(case=case, lifted_at__isnull=True)
        .select_related("placed_by")
        .first(),
    }
