"""Refuse malformed requests with a 400 before any view, form, parser or database sees them.

Three things no page or API call ever needs are turned away here, in one place: the NUL
character (PostgreSQL cannot store it and the database driver fails on it), JSON nested
deeper than ``JSON_MAX_DEPTH`` (the parser would recurse until Python gives up) and a body
over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Under ``/api/`` the answer names the field that held
the NUL (``{"summary": ["…"]}``, the API's usual 400) where there is one, and is
``{"detail": "…"}`` otherwise; elsewhere it is a short page of plain text. Messages are in the
active language.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

JSON_MAX_DEPTH = 32
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

_NUL = "\x00"
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# \u0000 written as an escape, unless its backslash is itself escaped (\\u0000 is text).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


@dataclass(frozen=True)
class Problem:
    """Why a request is refused, and the field at fault where one can be named."""

    message: str
    field: str | None = None


class RequestGuardMiddleware:
    """Answer 400 to a request carrying NUL, JSON nested too deep or a body that is too large."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is not None:
            return refusal(request, problem)
        return self.get_response(request)


def request_problem(request: HttpRequest) -> Problem | None:
    """Return why the request is refused, or None when nothing is wrong with it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return Problem(too_large())
    try:
        if _NUL in request.path_info:
            return Problem(nul_message())
        found = _nul_field(request.GET.lists())
        if found is not None:
            return Problem(nul_message(), found or None)
        headers = (value for name, value in request.META.items() if name.startswith("HTTP_"))
        if _nul_field(request.COOKIES.items()) is not None or any(
            isinstance(value, str) and _NUL in value for value in headers
        ):
            return Problem(nul_message())
        if request.method in BODY_METHODS:
            return _body_problem(request)
    except RequestDataTooBig:
        return Problem(too_large())
    except (TooManyFieldsSent, TooManyFilesSent):
        return Problem(_("項目またはファイルの数が多すぎます。"))
    except MultiPartParserError:
        return Problem(_("送信されたフォームのデータを読めません。"))
    return None


def _body_problem(request: HttpRequest) -> Problem | None:
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            text = request.body.decode(request.encoding or "utf-8")
        except UnicodeDecodeError:
            return None  # The parser refuses it with its own 400.
        if json_depth(text) > JSON_MAX_DEPTH:
            return Problem(
                _("JSONの入れ子が深すぎます（%(limit)d段まで）。") % {"limit": JSON_MAX_DEPTH}
            )
        if _NUL in text or _NUL_ESCAPE.search(text):
            return Problem(nul_message(), _json_field_with_nul(text))
        return None
    if content_type in FORM_TYPES:
        if request.method == "POST":
            # Read the body first so that it stays readable: a parser that refuses forms
            # (an API view that takes only JSON) must still see it and answer 415.
            request.body  # noqa: B018
            fields = request.POST
        elif content_type == "multipart/form-data":
            return None  # Nothing here reads a multipart body sent with PUT or PATCH.
        else:
            fields = QueryDict(request.body, encoding=request.encoding)
        found = _nul_field(fields.lists())
        if found is not None:
            return Problem(nul_message(), found or None)
    return None


def _nul_field(pairs: Iterable[tuple[str, object]]) -> str | None:
    """Return the name of the first field holding NUL ("" when the name itself does), or None."""
    for name, values in pairs:
        if _NUL in name:
            return ""
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and _NUL in value:
                return name
    return None


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return _NUL in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


def _json_field_with_nul(text: str) -> str | None:
    """Return the top-level key of a JSON object whose value holds NUL (the depth is checked)."""
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            if _NUL not in key and _holds_nul(value):
                return str(key)
    return None


def json_depth(text: str) -> int:
    """Return how deeply the arrays and objects of a JSON text nest, without parsing it.

    Brackets inside strings are not counted. A text that is not JSON still gets a number:
    an unclosed ``[[[[`` is as deep as its brackets.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(1 if char in "[{" else -1 for char in brackets), default=0)


def nul_message() -> str:
    return _("使えない文字（NUL、U+0000）が含まれています。取り除いてから送ってください。")


def too_large() -> str:
    return _("送信されたデータが大きすぎます（%(limit)sバイトまで）。") % {
        "limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
    }


def refusal(request: HttpRequest, problem: Problem) -> HttpResponse:
    """Answer 400: a JSON body naming the field or the problem for the API, text elsewhere."""
    if request.path_info.startswith("/api/"):
        body = {problem.field: [problem.message]} if problem.field else {"detail": problem.message}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(problem.message, content_type="text/plain; charset=utf-8")
