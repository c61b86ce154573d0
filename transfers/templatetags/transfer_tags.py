from django.template import Library

from transfers import selectors
from transfers.forms import TransferOfferForm

register = Library()


@register.inclusion_tag("transfers/_case_transfer.html")
def case_transfer_panel(case, user):
    """Offer an (already access-checked) case to another desk, or show the offer made."""
    transfer = selectors.transfer_for_case(case)
    pending = transfer is not None and transfer.status == transfer.Status.PENDING
    return {
        "case": case,
        "transfer": transfer,
        "pending": pending,
        "form": None if pending else TransferOfferForm(case=case),
    }
