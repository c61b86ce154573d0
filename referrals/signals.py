"""Signals higher layers connect to, so referrals need not know about them."""

from django.dispatch import Signal

# Sent after open follow-ups were closed in bulk (``FollowUp.objects.mark_done``), with
# ``buckets``: the set of (desk id, due date) they were counted under while open.
follow_ups_closed = Signal()
