from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import desk_ids_for
from accounts.models import Membership
from cases.selectors import case_get_for
from transfers import selectors, services
from transfers.forms import TransferDeclineForm, TransferOfferForm

PAGE_SIZE = 50


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def incoming(request):
    """Offers waiting at the user's desks (codes only), and the offers their desks made."""
    page = Paginator(selectors.incoming_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sent = Paginator(selectors.sent_for(request.user), PAGE_SIZE).get_page(request.GET.get("sent"))
    services.transfers_shown(user=request.user, transfers=[*page, *sent])
    return render(
        request,
        "transfers/incoming.html",
        {
            "page": page,
            "sent": sent,
            "decline_form": TransferDeclineForm(),
            "counsels": desk_ids_for(request.user, roles=(Membership.Role.COUNSELLOR,)),
        },
    )


@login_required
@require_GET
def handed_over(request):
    """The stubs of the cases the user's desks handed to another desk."""
    page = Paginator(selectors.handed_over_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "transfers/handed_over.html", {"page": page})


@login_required
@require_POST
def offer(request, reference):
    case = case_get_for(request.user, reference, write=True)
    form = TransferOfferForm(request.POST, case=case)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(case)
    try:
        services.transfer_offer(case=case, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("引き継ぎを依頼しました。"))
    return redirect(case)


@login_required
@require_POST
def accept(request, transfer_id):
    transfer = get_object_or_404(selectors.transfers_for(request.user), pk=transfer_id)
    try:
        services.transfer_accept(transfer_id=transfer.pk, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("transfers:incoming")
    messages.success(request, _("相談を引き継ぎました。このデスクの相談になりました。"))
    return redirect("cases:detail", transfer.reference)


@login_required
@require_POST
def decline(request, transfer_id):
    transfer = get_object_or_404(selectors.transfers_for(request.user), pk=transfer_id)
    form = TransferDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("辞退の理由を選んでください。"))
        return redirect("transfers:incoming")
    try:
        services.transfer_decline(
            transfer_id=transfer.pk, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("引き継ぎを辞退しました。"))
    return redirect("transfers:incoming")


@login_required
@require_POST
def withdraw(request, transfer_id):
    transfer = get_object_or_404(selectors.transfers_for(request.user), pk=transfer_id)
    try:
        services.transfer_withdraw(transfer_id=transfer.pk, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("transfers:incoming")
    messages.success(request, _("引き継ぎの依頼を取り下げました。"))
    return redirect("cases:detail", transfer.reference)
