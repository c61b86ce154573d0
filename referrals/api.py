from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import desks_for
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
        desk = desks_for(self.context["request"].user).filter(slug=slug).first()
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


class SuggestionView(APIView):
    """Suggest consultation windows for an intake, ranked and explained."""

    @extend_schema(request=IntakeCodesSerializer, responses=SuggestionResultSerializer)
    def post(self, request):
        intake = IntakeCodesSerializer(data=request.data, context={"request": request})
        intake.is_valid(raise_exception=True)
        result = suggest(intake.to_intake())
        return Response(SuggestionResultSerializer(result).data, status=status.HTTP_200_OK)
