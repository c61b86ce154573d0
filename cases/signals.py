"""Signals other apps connect to, so the cases app need not know about them."""

from django.dispatch import Signal

# Sent inside the transaction that closes a case, with ``case``, ``by`` and ``data`` (what
# the form or API request carried). A receiver refuses the closure by raising ValidationError.
case_closing = Signal()
