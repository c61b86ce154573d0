"""API for legal clocks: the deadline board (read-only) and a case's clocks."""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from audit.models import AuditEntry
from audit.services import audit_record_many
from cases.selectors import case_get_for
from core.serializers import NullableCharField, NullableURLField, StrictSlugField
from deadlines import selectors, services
from deadlines.models import LegalClock

NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}


class StepSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("段階のコード（disclosure_order など）"))
    done_on = serializers.DateField()


class BoardRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        source="source",
        choices=[
            ("clock", "clock"),
            ("platform_deletion", "platform_deletion"),
            ("follow_up", "follow_up"),
        ],
        help_text=gettext_lazy("法的な期限、プラットフォームの回答期限、またはフォローアップ"),
    )
    id = serializers.IntegerField(help_text=gettext_lazy("期限またはフォローアップの id"))
    case = serializers.CharField(source="case.reference")
    code = serializers.CharField(
        help_text=gettext_lazy("期限のコード（domain.md）またはフォローアップの種類")
    )
    due_on = serializers.DateField(help_text=gettext_lazy("期限の日（休日でも動きません）"))
    act_by = serializers.DateField(
        help_text=gettext_lazy("知らせる日（期限の前の営業日）またはフォローアップの日")
    )
    moved_from = serializers.DateField(
        allow_null=True, help_text=gettext_lazy("休日のために移動する前の日")
    )
    started_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField()
    platform = NullableCharField()
    service = NullableCharField()
    law = NullableCharField()
    source_url = NullableURLField()
    steps = StepSerializer(many=True)


class ClockSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    closed_because = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = LegalClock
        fields = [
            "id",
            "case",
            "kind",
            "started_on",
            "due_on",
            "warn_on",
            "warn_moved_from",
            "closed_at",
            "closed_because",
            "steps",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "string", "nullable": True, "enum": [*LegalClock.CloseReason.values, None]}
    )
    def get_closed_because(self, clock) -> str | None:
        return clock.closed_because or None

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, clock) -> list[dict]:
        return [{"code": s.kind.code, "done_on": s.done_on.isoformat()} for s in clock.steps.all()]


class ClockCreateSerializer(serializers.Serializer):
    kind = StrictSlugField(
        max_length=40,
        help_text=gettext_lazy(
            "log_retention, disclosure_order, provision_order, erasure_prohibition_order"
        ),
    )
    started_on = serializers.DateField(help_text=gettext_lazy("起算日（今日以前）"))


class DeadlineBoardView(GenericAPIView):
    """The deadline board: the open cases' clocks and waiting follow-ups, soonest first."""

    queryset = LegalClock.objects.none()
    serializer_class = BoardRowSerializer

    @extend_schema(responses=BoardRowSerializer(many=True))
    def get(self, request):
        rows = selectors.board_rows(request.user, today=timezone.localdate())["rows"]
        page = self.paginate_queryset(rows)
        audit_record_many(
            actor=request.user, action=AuditEntry.Action.LIST, cases=[r.case for r in page or []]
        )
        return self.get_paginated_response(BoardRowSerializer(page, many=True).data)


class CaseClocksView(GenericAPIView):
    """List a case's legal clocks, or start one from the day that starts it."""

    queryset = LegalClock.objects.none()
    serializer_class = ClockSerializer

    @extend_schema(responses=ClockSerializer(many=True))
    def get(self, request, reference):
        case = case_get_for(request.user, reference)
        clocks = selectors.case_clocks(case)["clocks"]
        page = self.paginate_queryset(clocks)
        return self.get_paginated_response(ClockSerializer(page, many=True).data)

    @extend_schema(request=ClockCreateSerializer, responses={201: ClockSerializer})
    def post(self, request, reference):
        case = case_get_for(request.user, reference, write=True)
        incoming = ClockCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        kind = services.kind_for_code(incoming.validated_data["kind"])
        clock = services.clock_start(
            case=case, kind=kind, started_on=incoming.validated_data["started_on"], by=request.user
        )
        return Response(ClockSerializer(clock).data, status=status.HTTP_201_CREATED)
