"""Every answer keeps case data out of caches, and the browser runs only this origin's code."""

import json
import logging
import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.test import Client, RequestFactory, override_settings

from config.views import server_error
from core.digest import digest_sections

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("path", ["/", "/cases/", "/api/v1/cases/", "/api/v1/docs/", "/healthz"])
def test_every_page_and_api_answer_is_private_and_never_stored(web, counsellor, path):
    response = web(counsellor).get(path)

    assert response.status_code in (200, 503)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert "public" not in cache_control


def test_the_login_page_and_a_refusal_are_not_stored_either(client):
    for response in (client.get("/login/"), client.get("/api/v1/cases/")):
        assert "no-store" in response["Cache-Control"]


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_cache_lifetime():
    response = Client().get("/static/css/tsunagu.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_pages_deny_inline_code_framing_and_other_origins(web, counsellor):
    response = web(counsellor).get("/cases/")
    policy = directives(response)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"], "a nonce appears only where a page uses one"
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_deny_the_browser_features_nothing_uses(web, counsellor):
    policy = web(counsellor).get("/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>|<[^>]*\sstyle\s*=", re.I)
JS_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.I)


def test_no_page_template_has_inline_script_handlers_or_styles():
    # Mail templates carry inline styles, as mail clients need: those under emails/ and the
    # sections that parts add to the weekly digest.
    mail_sections = {section.html_template for section in digest_sections()}
    pages = [
        path
        for path in TEMPLATES.rglob("*.html")
        if "emails" not in path.parts
        and path.relative_to(TEMPLATES).as_posix() not in mail_sections
    ]
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {pattern.pattern}"
        for path in pages
        for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE, JS_URL)
        if pattern.search(path.read_text())
    ]

    assert len(pages) > 30
    assert offenders == []


def test_the_report_endpoint_logs_where_and_what_but_no_page_text(caplog):
    client = Client(enforce_csrf_checks=True)
    report = {
        "csp-report": {
            "document-uri": "https://tsunagu.example.jp/cases/?q=%E5%B1%B1%E7%94%B0",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "blocked-uri": "inline",
            "source-file": "https://tsunagu.example.jp/cases/?q=secret",
            "line-number": 12,
            "script-sample": "alert('山田太郎 090-1234-5678')",
        }
    }
    with caplog.at_level(logging.WARNING, logger="tsunagu.csp"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )

    assert response.status_code == 204
    [line] = [r.getMessage() for r in caplog.records if r.name == "tsunagu.csp"]
    assert line == (
        "CSP violation: script-src-elem blocked inline on https://tsunagu.example.jp/cases/ "
        "(source https://tsunagu.example.jp/cases/, line 12)"
    )


def test_the_report_endpoint_reads_the_reporting_api_form(caplog):
    reports = [
        {
            "type": "csp-violation",
            "url": "https://tsunagu.example.jp/triage/",
            "body": {
                "documentURL": "https://tsunagu.example.jp/triage/?reference=X",
                "effectiveDirective": "img-src",
                "blockedURL": "https://cdn.example.com/x.png?user=1",
                "sample": "private words",
            },
        },
        {"type": "deprecation", "body": {"message": "ignored"}},
    ]
    with caplog.at_level(logging.WARNING, logger="tsunagu.csp"):
        response = Client().post(
            "/csp-report/", json.dumps(reports), content_type="application/reports+json"
        )

    assert response.status_code == 204
    [line] = [r.getMessage() for r in caplog.records if r.name == "tsunagu.csp"]
    assert (
        "img-src blocked https://cdn.example.com/x.png on https://tsunagu.example.jp/triage/"
        in (line)
    )
    assert "private" not in line and "user=1" not in line


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2"])
def test_the_report_endpoint_refuses_what_is_not_json_with_a_400(body):
    response = Client().post("/csp-report/", body, content_type="application/csp-report")

    assert response.status_code == 400
    assert "JSON" in response.content.decode()


def test_the_report_endpoint_takes_only_posts():
    assert Client().get("/csp-report/").status_code == 405


def test_the_api_docs_and_schema_need_a_signed_in_user(client):
    docs = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")
    schema = client.get("/api/v1/schema/")

    assert docs.status_code == 302 and docs["Location"].startswith("/login/")
    assert script.status_code == 302
    assert schema.status_code in (401, 403)
    assert b"openapi" not in schema.content


def test_the_api_docs_load_swagger_ui_from_this_site_and_start_it_from_a_file(web, counsellor):
    client = web(counsellor)
    page = client.get("/api/v1/docs/").content.decode()
    script = client.get("/api/v1/docs/?script=")

    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle" in s for s in sources)
    assert "/api/v1/docs/?script=" in sources
    assert not INLINE_SCRIPT.search(page) and not INLINE_STYLE.search(page)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert client.get("/api/v1/schema/").status_code == 200


def test_the_error_page_styles_itself_under_a_nonce_the_policy_names():
    request = RequestFactory().get("/cases/")
    response = CSPMiddleware(server_error)(request)

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert response.status_code == 500
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_the_browser_asking_for_favicon_ico_gets_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert "img/favicon" in response["Location"]


def test_pages_let_only_their_own_origin_ask_for_a_passkey(web, counsellor):
    policy = web(counsellor).get("/").headers["Permissions-Policy"]

    assert "publickey-credentials-get=(self)" in policy
    assert "publickey-credentials-create=(self)" in policy
