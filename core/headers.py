"""Response headers that every page and API answer carries, and the reports browsers send back."""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Nothing in the product uses these browser features; denying them keeps an injected
# script or a framed page from asking for them.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# Passkeys (the second factor) are asked for by this origin's own pages, never by a frame.
SELF_FEATURES = ("publickey-credentials-create", "publickey-credentials-get")
PERMISSIONS_POLICY = ", ".join(
    [f"{feature}=()" for feature in DENIED_FEATURES]
    + [f"{feature}=(self)" for feature in SELF_FEATURES]
)


class ResponseHeadersMiddleware:
    """Keep responses out of every cache and deny the browser features the product never uses.

    Any page or API answer may carry case data, so none may be stored by a browser or a
    proxy. Static files never reach this middleware: WhiteNoise answers them above it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


DIRECTIVE = re.compile(r"[a-z-]{1,40}")
KEYWORD = re.compile(r"[a-z-]{1,20}")


def _where(url: Any) -> str:
    """Reduce an address to its origin and path: a query string may carry what was typed."""
    if not isinstance(url, str) or not url:
        return "-"
    if KEYWORD.fullmatch(url):
        return url  # "inline", "eval", "data", "self": what the browser blocked, not a URL
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"}:
        return f"{parts.scheme}://{parts.netloc}{parts.path}"[:200]
    return (parts.scheme or "-")[:20]


def csp_violations(payload: Any) -> list[dict[str, str]]:
    """Read the violations from a report body, in the report-uri or the Reporting API form.

    Only the directive and where the page and the blocked resource live are kept: never the
    sample of blocked code a browser may add, which could quote case text from the page.
    """
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]
        found = [
            (
                report.get("effective-directive") or report.get("violated-directive"),
                report.get("blocked-uri"),
                report.get("document-uri"),
                report.get("source-file"),
                report.get("line-number"),
            )
        ]
    elif isinstance(payload, list):
        found = [
            (
                body.get("effectiveDirective"),
                body.get("blockedURL"),
                body.get("documentURL"),
                body.get("sourceFile"),
                body.get("lineNumber"),
            )
            for item in payload[:20]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(body := item.get("body"), dict)
        ]
    else:
        return []
    violations = []
    for directive, blocked, page, source, line in found:
        directive = directive.split()[0] if isinstance(directive, str) and directive else ""
        violations.append(
            {
                "directive": directive if DIRECTIVE.fullmatch(directive) else "-",
                "blocked": _where(blocked),
                "page": _where(page),
                "source": _where(source),
                "line": str(line) if isinstance(line, int) else "-",
            }
        )
    return violations
