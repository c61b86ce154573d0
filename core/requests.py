"""Refuse malformed requests with a 400 before any view, form, parser or database sees them.

Three things no page or API call ever needs are turned away here, in one place: the NUL
character (PostgreSQL cannot store it and the database driver fails on it), JSON nested
deeper than ``JSON_MAX_DEPTH`` (the parser would recurse until Python gives up) and a body
over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Under ``/api/`` the answer is ``{"detail": "…"}``;
elsewhere it is a short page of plain text. Messages are in the active language.
"""

import re
from collections.abc import Callable, Iterable
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


class RequestGuardMiddleware:
    """Answer 400 to a request carrying NUL, JSON nested too deep or a body that is too large."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is not None:
            return refusal(request, problem)
        return self.get_response(request)


def request_problem(request: HttpRequest) -> str | None:
    """Return why the request is refused, or None when nothing is wrong with it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return too_large()
    try:
        if _NUL in request.path_info or _has_nul(request.GET.lists()):
            return nul_message()
        headers = (value for name, value in request.META.items() if name.startswith("HTTP_"))
        if _has_nul(request.COOKIES.items()) or any(
            isinstance(value, str) and _NUL in value for value in headers
        ):
            return nul_message()
        if request.method in BODY_METHODS:
            return _body_problem(request)
    except RequestDataTooBig:
        return too_large()
    except (TooManyFieldsSent, TooManyFilesSent):
        return _("項目またはファイルの数が多すぎます。")
    except MultiPartParserError:
        return _("送信されたフォームのデータを読めません。")
    return None


def _body_problem(request: HttpRequest) -> str | None:
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            text = request.body.decode(request.encoding or "utf-8")
        except UnicodeDecodeError:
            return None  # The parser refuses it with its own 400.
        if _NUL in text or _NUL_ESCAPE.search(text):
            return nul_message()
        if json_depth(text) > JSON_MAX_DEPTH:
            return _("JSONの入れ子が深すぎます（%(limit)d段まで）。") % {"limit": JSON_MAX_DEPTH}
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
        if _has_nul(fields.lists()):
            return nul_message()
    return None


def _has_nul(pairs: Iterable[tuple[str, object]]) -> bool:
    for name, values in pairs:
        if _NUL in name:
            return True
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and _NUL in value:
                return True
    return False


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


def refusal(request: HttpRequest, message: str) -> HttpResponse:
    """Answer 400: a JSON body naming the problem for the API, a line of text elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
