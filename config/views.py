import json
import logging
import time

from csp.exceptions import CSPNonceError
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import get_connection
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.access import desks_for
from core.api import server_error_detail
from core.headers import csp_violations
from reminders.selectors import unsent_for
from reminders.services import unsent_digests

logger = logging.getLogger(__name__)
csp_logger = logging.getLogger("tsunagu.csp")


@login_required
def home(request):
    return render(
        request,
        "home.html",
        {"desks": desks_for(request.user), "unsent_digests": unsent_for(request.user)},
    )


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_broker() -> dict:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {}


def _check_relay() -> dict:
    """Open and close a connection to the SMTP relay; other mail backends are not checked."""
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return {"checked": False}
    relay = get_connection(fail_silently=False, timeout=2)
    relay.open()
    relay.close()
    return {}


def _unsent_digests() -> dict:
    oldest = unsent_digests().values_list("scheduled_for", flat=True).first()
    if oldest is None:
        return {"ok": True, "oldest_unsent": None}
    return {"ok": False, "oldest_unsent": oldest.isoformat()}


def _run_check(name: str, check) -> dict:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:
        logger.warning("health check %s failed: %s", name, exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **detail}


@never_cache
@require_GET
def healthz(request):
    """Tell an orchestrator whether this web process can serve: whether the database answers.

    The broker, the mail relay and the oldest digest unsent an hour after its time are
    reported beside it (``"ok": false`` there delays mail, not intake) and never turn the
    answer into a 503.
    """
    database = _run_check("database", _check_database)
    report = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "broker": _run_check("broker", _check_broker),
        "relay": _run_check("relay", _check_relay),
    }
    if database["ok"]:
        try:
            report["digests"] = _unsent_digests()
        except Exception as exc:
            report["digests"] = {"ok": False, "error": exc.__class__.__name__}
    return JsonResponse(report, status=200 if database["ok"] else 503)


@csrf_exempt
@require_POST
def csp_report(request):
    """Log the Content-Security-Policy violations a browser reports, without any page text."""
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest(
            _("違反レポートは JSON で送ってください。"), content_type="text/plain; charset=utf-8"
        )
    for violation in csp_violations(payload):
        csp_logger.warning(
            "CSP violation: %(directive)s blocked %(blocked)s on %(page)s "
            "(source %(source)s, line %(line)s)",
            violation,
        )
    return HttpResponse(status=204)


def server_error(request):
    """Answer an unhandled error with the self-contained error page, its style under the nonce.

    Under ``/api/`` the answer is the API's JSON ``{"detail": "…"}`` instead.
    """
    if request.path.startswith("/api/"):
        return JsonResponse(server_error_detail(), status=500)
    try:
        nonce = str(request.csp_nonce)
    except (AttributeError, CSPNonceError):
        nonce = ""  # the error happened outside the CSP middleware: the page goes unstyled
    return HttpResponseServerError(loader.get_template("500.html").render({"csp_nonce": nonce}))


def favicon(request):
    """Point browsers that ask for /favicon.ico (the admin pages name no icon) at the icon."""
    return redirect(static("img/favicon.svg"))
