"""Browser sessions: a new id at each change of privilege, kept in step with the session list."""

from django.http import HttpRequest

from accounts.models import UserSession


def rotate_session(request: HttpRequest) -> None:
    """Give the session a new id (a change of privilege), keeping the session list in step."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)
