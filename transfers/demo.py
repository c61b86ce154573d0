"""Demo handovers for ``loaddemo``: one offer waiting at the school desk, one case moved."""

from accounts.models import Desk, User
from cases.models import Case
from transfers import services
from transfers.models import CaseTransfer


def load(stdout) -> None:
    """Offer two of gifu-city's open cases to gifu-hs; the school takes one of them."""
    city = Desk.objects.filter(slug="gifu-city").first()
    school = Desk.objects.filter(slug="gifu-hs").first()
    sender = User.objects.filter(username="demo-counsellor").first()
    receiver = User.objects.filter(username="demo-school").first()
    if city is None or school is None or sender is None or receiver is None:
        return
    if CaseTransfer.objects.exists():
        return
    candidates = list(
        Case.objects.filter(desk=city, urgent_alert__isnull=True, closing_requests__isnull=True)
        .exclude(status=Case.Status.CLOSED)
        .order_by("-created_at")[:2]
    )
    if len(candidates) < 2:
        return
    waiting, taken = candidates
    services.transfer_offer(case=waiting, by=sender, to_desk=school, consent="guardian")
    moved = services.transfer_offer(case=taken, by=sender, to_desk=school, consent="person")
    services.transfer_accept(transfer_id=moved.pk, by=receiver)
    stdout.write(
        f"デスク間の引き継ぎ / handovers: {waiting.reference} (待ち), {taken.reference} (済)"
    )
