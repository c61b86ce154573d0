from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import desk_ids_for
from catalogue.api import ServiceSerializer
from catalogue.vocabulary import Category, Flag, Platform, Situation, Wish
from triage.engine import Intake, current_ruleset, suggest_for

CODE_FIELDS = {
    name: frozenset(choices.values)
    for name, choices in {
        "wishes": Wish,
        "categories": Category,
        "flags": Flag,
        "platforms": Platform,
    }.items()
}
SITUATIONS = frozenset(Situation.values)


class IntakeCodesSerializer(serializers.Serializer):
    """The request body, described for the OpenAPI schema; `parse_intake` reads it."""

    situation = serializers.ChoiceField(choices=Situation.choices)
    wishes = serializers.MultipleChoiceField(choices=Wish.choices, required=False)
    categories = serializers.MultipleChoiceField(choices=Category.choices, required=False)
    flags = serializers.MultipleChoiceField(choices=Flag.choices, required=False)
    platforms = serializers.MultipleChoiceField(choices=Platform.choices, required=False)
    desk = serializers.SlugField(
        required=False, help_text=gettext_lazy("所属しているデスクの識別子（学校の窓口などに使う）")
    )


def parse_intake(data, user) -> Intake:
    """Read an intake's codes from a request body, naming each bad field and code."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("JSONオブジェクトで送ってください。")]})
    errors: dict[str, list[str]] = {}
    situation = data.get("situation") or ""
    if not situation:
        errors["situation"] = [_("相談の状況（situation）は必須です。")]
    elif not isinstance(situation, str) or situation not in SITUATIONS:
        errors["situation"] = [_("不明なコードです: %(codes)s") % {"codes": situation}]
    codes = {}
    for name, known in CODE_FIELDS.items():
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            errors[name] = [_("コードの一覧で指定してください。")]
            continue
        unknown = [code for code in value if code not in known]
        if unknown:
            errors[name] = [_("不明なコードです: %(codes)s") % {"codes": ", ".join(unknown)}]
        codes[name] = frozenset(value)
    desk_id = desk_kind = None
    if "desk" in data:
        slug = data["desk"]
        if isinstance(slug, str):
            desk_id, desk_kind = current_ruleset().desks.get(slug, (None, None))
        if desk_id is None or desk_id not in desk_ids_for(user):
            desk_id = desk_kind = None
            errors["desk"] = [_("デスク「%(slug)s」には所属していません。") % {"slug": slug}]
    if errors:
        raise ValidationError(errors)
    return Intake(situation=situation, desk_id=desk_id, desk_kind=desk_kind, **codes)


class OutcomesSerializer(serializers.Serializer):
    referred = serializers.IntegerField(
        min_value=0,
        help_text=gettext_lazy(
            "類似の相談（同じ状況で内容が一つでも共通）からこの窓口への終了した案内の数"
        ),
    )
    resolved = serializers.IntegerField(
        min_value=0, help_text=gettext_lazy("そのうち resolved か content_deleted で終わった数")
    )


class SuggestionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    urgent = serializers.BooleanField()
    service = ServiceSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    outcomes = OutcomesSerializer(
        allow_null=True,
        help_text=gettext_lazy(
            "所属デスクでの過去の案内の結果。件数・解決数・その差のどれかが公表の基準未満のときは null"
        ),
    )


class SuggestionResultSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    guidance = serializers.ListField(child=serializers.CharField())


def suggestion_result_data(result) -> dict:
    """Return a SuggestionResult in the API's form, each window serialized once a ruleset."""
    # needs_review depends on the day, so a window's data is kept for one day at most.
    today = timezone.localdate()
    day, services = result.memo.get("service_data", (None, None))
    if day != today:
        services = {}
        result.memo["service_data"] = (today, services)
    suggestions = []
    for s in result.suggestions:
        data = services.get(s.service.id)
        if data is None:
            data = services[s.service.id] = ServiceSerializer(s.service).data
        suggestions.append(
            {
                "rank": s.rank,
                "urgent": s.urgent,
                "service": data,
                "reasons": s.reasons,
                "notes": s.notes,
                "outcomes": (
                    {"referred": s.outcomes.referred, "resolved": s.outcomes.resolved}
                    if s.outcomes
                    else None
                ),
            }
        )
    return {"suggestions": suggestions, "guidance": result.guidance}


class SuggestionView(APIView):
    """Suggest consultation windows for an intake, ranked and explained."""

    parser_classes = [JSONParser]
    reads_only = True  # the POST carries the codes to rank; nothing is stored

    @extend_schema(request=IntakeCodesSerializer, responses=SuggestionResultSerializer)
    def post(self, request):
        result = suggest_for(parse_intake(request.data, request.user), request.user)
        return Response(suggestion_result_data(result), status=status.HTTP_200_OK)
