from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Desk
from catalogue.api import ServiceSerializer
from catalogue.vocabulary import Category, Flag, Platform, Situation, Wish
from referrals.engine import Intake, suggest


class IntakeCodesSerializer(serializers.Serializer):
    situation = serializers.ChoiceField(choices=Situation.choices)
    wishes = serializers.MultipleChoiceField(choices=Wish.choices, required=False, default=list)
    categories = serializers.MultipleChoiceField(
        choices=Category.choices, required=False, default=list
    )
    flags = serializers.MultipleChoiceField(choices=Flag.choices, required=False, default=list)
    platforms = serializers.MultipleChoiceField(
        choices=Platform.choices, required=False, default=list
    )
    desk = serializers.SlugField(required=False)

    def validate_desk(self, slug):
        desk = Desk.objects.filter(
            slug=slug, memberships__user=self.context["request"].user
        ).first()
        if desk is None:
            raise serializers.ValidationError(
                _("デスク「%(slug)s」には所属していません。") % {"slug": slug}
            )
        return desk

    def to_intake(self) -> Intake:
        data = self.validated_data
        desk = data.get("desk")
        return Intake(
            situation=data["situation"],
            wishes=frozenset(data.get("wishes", ())),
            categories=frozenset(data.get("categories", ())),
            flags=frozenset(data.get("flags", ())),
            platforms=frozenset(data.get("platforms", ())),
            desk_id=desk.id if desk else None,
            desk_kind=desk.kind if desk else None,
        )


class SuggestionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    urgent = serializers.BooleanField()
    service = ServiceSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())


class SuggestionResultSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    guidance = serializers.ListField(child=serializers.CharField())


_service_data: dict[tuple, dict[int, dict]] = {}


def service_data(service, version: int) -> dict:
    """Return a window's API form, serialized once per ruleset version and day."""
    key = (version, timezone.localdate())
    cached = _service_data.get(key)
    if cached is None:
        _service_data.clear()
        cached = _service_data.setdefault(key, {})
    data = cached.get(service.id)
    if data is None:
        data = cached[service.id] = ServiceSerializer(service).data
    return data


def suggestion_result_data(result) -> dict:
    """Return a SuggestionResult in the API's form."""
    return {
        "suggestions": [
            {
                "rank": s.rank,
                "urgent": s.urgent,
                "service": service_data(s.service, result.version),
                "reasons": s.reasons,
                "notes": s.notes,
            }
            for s in result.suggestions
        ],
        "guidance": result.guidance,
    }


class SuggestionView(APIView):
    """Suggest consultation windows for an intake, ranked and explained."""

    @extend_schema(request=IntakeCodesSerializer, responses=SuggestionResultSerializer)
    def post(self, request):
        intake = IntakeCodesSerializer(data=request.data, context={"request": request})
        intake.is_valid(raise_exception=True)
        result = suggest(intake.to_intake())
        return Response(suggestion_result_data(result), status=status.HTTP_200_OK)
