"""The OpenAPI schema states every answer the API gives, the refusals included.

drf-spectacular documents the success of each operation; ``AutoSchema`` adds what the API's
error handler answers on every path (``core.api``): 400 naming each field, 401 and 403 without
valid credentials or rights, 404 for a row outside the user's desks or a page past the end, and
429 where requests are throttled.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

ERROR_DETAIL = "ErrorDetail"
VALIDATION_ERROR = "ValidationError"

STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR_DETAIL: {
        "type": "object",
        "description": _("誤りの説明（日本語。Accept-Language: en なら英語）。"),
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": _(
            "項目名ごとの誤りの説明（日本語。Accept-Language: en なら英語）。"
            "項目に結びつかない誤りは non_field_errors に入ります。"
        ),
        "properties": {"non_field_errors": STRINGS},
        "additionalProperties": STRINGS,
        "minProperties": 1,
    },
}

DESCRIPTIONS = {
    "400": _("リクエストの誤り: 項目名ごとの説明。読めない本文には detail。"),
    "401": _("認証情報がないか、正しくありません（期限切れか取り消されたトークンも）。"),
    "403": _("この操作をする権限がありません（読み取り専用トークンでの書き込みも）。"),
    "404": _("見つかりません（所属していないデスクの記録も、範囲外のページも）。"),
    "429": _("リクエストが多すぎます。Retry-After の秒数の後に送り直してください。"),
    "409": _("この Idempotency-Key は別の内容の要求に使われています。"),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error answers every operation may give."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for name, schema in COMPONENTS.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
                )
            )
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # A filter sent empty is a filter not given (``?desk=&from=``).
            if parameter["in"] == OpenApiParameter.QUERY and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        detail = _json(_ref(ERROR_DETAIL))
        # A page past the end is a 404 (below); any other input may be refused with a 400.
        filters = [p for p in parameters if p["in"] == "query" and p["name"] != "page"]
        if "requestBody" in operation or filters:
            self._add_bad_request(responses, with_body="requestBody" in operation)
        for code in ("401", "403"):
            responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": detail})
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            responses.setdefault("404", {"description": DESCRIPTIONS["404"], "content": detail})
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
            responses.setdefault(
                "409",
                {"description": DESCRIPTIONS["409"], "content": _json(_ref(VALIDATION_ERROR))},
            )
        if self.view.get_throttles():
            responses.setdefault(
                "429",
                {
                    "description": DESCRIPTIONS["429"],
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": detail,
                },
            )
        return operation

    def _add_bad_request(self, responses: dict[str, Any], *, with_body: bool) -> None:
        """Document the 400 as field errors, besides any shape the view documents itself."""
        shapes = [_ref(VALIDATION_ERROR)]
        if with_body:
            shapes.append(_ref(ERROR_DETAIL))
        own = responses.get("400")
        if own is None:
            schema = shapes[0] if len(shapes) == 1 else {"anyOf": shapes}
            responses["400"] = {"description": DESCRIPTIONS["400"], "content": _json(schema)}
            return
        for media in own.get("content", {}).values():
            media["schema"] = {"anyOf": [media["schema"], *shapes]}
