import json
import logging
import time

from csp.exceptions import CSPNonceError
from django.contrib.auth.decorators import login_required
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
from core.headers import csp_violations

logger = logging.getLogger(__name__)
csp_logger = logging.getLogger("tsunagu.csp")


@login_required
def home(request):
    return render(request, "home.html", {"desks": desks_for(request.user)})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def healthz(request):
    """Report whether the database and the Celery broker answer."""
    checks = {"database": _check_database, "broker": _check_broker}
    report, healthy = {}, True
    for name, check in checks.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            report[name] = {"ok": False, "error": exc.__class__.__name__}
            healthy = False
        else:
            report[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **report}, status=200 if healthy else 503
    )


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
    """Answer an unhandled error with the self-contained error page, its style under the nonce."""
    try:
        nonce = str(request.csp_nonce)
    except (AttributeError, CSPNonceError):
        nonce = ""  # the error happened outside the CSP middleware: the page goes unstyled
    return HttpResponseServerError(loader.get_template("500.html").render({"csp_nonce": nonce}))


def favicon(request):
    """Point browsers that ask for /favicon.ico (the admin pages name no icon) at the icon."""
    return redirect(static("img/favicon.svg"))
