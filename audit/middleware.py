"""Tell the audit trail who the request being served is for."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.services import set_current_actor


class AuditActorMiddleware:
    """Remember the signed-in user, so a change to a tracked model names its author."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The lazy user: it is read only if a tracked model changes during the request.
        set_current_actor(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            set_current_actor(None)
