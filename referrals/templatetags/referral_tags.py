import datetime

from django.template import Library
from django.utils import timezone

from accounts.dates import date_style_for
from core.dates import DateStyle
from referrals.dates import moved_from_text
from referrals.models import FollowUp, Referral
from referrals.selectors import case_referrals, open_follow_up_count, referred_windows

register = Library()


@register.inclusion_tag("referrals/_referral_timeline.html", takes_context=True)
def referral_timeline(context, case):
    """Render a case's referrals, follow-ups and deletion requests; the case is already access-checked."""
    request = context.get("request")
    return {
        **case_referrals(case),
        "case": case,
        # The tag's template has no request: the reader's 西暦 or 和暦 comes with the context.
        "date_style": date_style_for(getattr(request, "user", None)),
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
        "statuses": Referral.Status.choices,
        "outcomes": Referral.Outcome.choices,
        # A supervisor reads the desk's cases but records nothing (the cases app's can_change).
        "editable": case.status != "closed" and context.get("can_change", True),
    }


@register.filter
def moved_from(day, whose=None) -> str:
    """Write ``{{ follow_up.moved_from|moved_from:request.user }}``: 2026年12月28日（休日）から移動."""
    style = str(whose) if whose in DateStyle.values else date_style_for(whose or None)
    return moved_from_text(day, style=style)


@register.inclusion_tag("referrals/_close_follow_ups.html", takes_context=True)
def close_follow_ups_field(context, case):
    """Render, inside the case's close form, the reason not to check its open follow-ups."""
    request = context.get("request")
    return {
        "open_count": open_follow_up_count(case),
        "reasons": FollowUp.CloseReason.choices,
        "chosen": request.POST.get("follow_up_reason", "") if request is not None else "",
    }


@register.simple_tag
def case_referred_windows(case) -> dict:
    """Return the case's referrals by window slug; the case is already access-checked."""
    return referred_windows(case) if case is not None else {}


@register.inclusion_tag("referrals/_suggestion_referral.html", takes_context=True)
def suggestion_referral(context, case, service, referred):
    """Render a suggestion card's "referred here" form, or the referral it already has."""
    return {
        "case": case,
        "service": service,
        "referral": referred.get(service.slug),
        "csrf_token": context.get("csrf_token"),
        "methods": Referral.Method.choices,
        "follow_up_on": timezone.localdate() + datetime.timedelta(days=service.follow_up_days),
    }
