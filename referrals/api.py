"""API for referrals, deletion requests and follow-ups; access goes through the cases app."""

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import DeskScopedViewSet
from audit.idempotency import idempotent
from audit.models import AuditEntry
from audit.services import audit_record, audit_record_many
from cases.selectors import case_get_for
from catalogue.selectors import services_for
from core.api import as_api_error
from core.serializers import (
    NullableCharField,
    NullableChoiceField,
    NullableURLField,
    StrictBooleanField,
    StrictPrimaryKeyRelatedField,
    StrictSlugField,
)
from referrals import services
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral

NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}


class ReferralSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    service = serializers.CharField(source="service.slug", read_only=True)
    service_phone = NullableCharField(read_only=True)
    service_url = NullableURLField(read_only=True)
    outcome = NullableChoiceField(Referral.Outcome.choices, read_only=True)
    follow_up_on = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "service",
            "service_name",
            "service_phone",
            "service_url",
            "method",
            "consent_recorded_at",
            "status",
            "outcome",
            "follow_up_on",
            "created_at",
            "contacted_at",
            "in_progress_at",
            "concluded_at",
        ]
        read_only_fields = fields

    @extend_schema_field(NULLABLE_DATE)
    def get_follow_up_on(self, referral) -> str | None:
        """The date of the referral's next open follow-up."""
        dates = sorted(f.due_on for f in referral.follow_ups.all() if f.is_open)
        return dates[0].isoformat() if dates else None


class ReferralCreateSerializer(serializers.Serializer):
    service = StrictSlugField(help_text=gettext_lazy("窓口の識別子（slug）"))
    method = serializers.ChoiceField(choices=Referral.Method.choices)
    consent = StrictBooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "warm_handoff・desk_contacted・accompanied では本人の同意が必要です。"
        ),
    )
    follow_up_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("今日以降。省略すると窓口の標準の日数後。"),
    )

    def validate_service(self, slug):
        service = services_for(self.context["request"].user).filter(slug=slug).first()
        if service is None:
            raise serializers.ValidationError(_("窓口「%(slug)s」はありません。") % {"slug": slug})
        return service


class ConsentNeededExtension(OpenApiSerializerExtension):
    """State in the schema that acting for the person needs their recorded consent."""

    target_class = ReferralCreateSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {
            **schema,
            "anyOf": [
                {"properties": {"method": {"enum": [Referral.Method.INFO_GIVEN]}}},
                {"properties": {"consent": {"enum": [True]}}, "required": ["consent"]},
            ],
        }


class ReferralUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Referral.Status.choices,
        required=False,
        help_text=gettext_lazy(
            "前へだけ進みます（recorded → contacted → in_progress → concluded）"
        ),
    )
    outcome = serializers.ChoiceField(
        choices=Referral.Outcome.choices,
        required=False,
        help_text=gettext_lazy("案内を終了するときに記録します（status は concluded か省略）"),
    )

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                {"status": [_("status か outcome を指定してください。")]}
            )
        return data


class OneChangeAtLeastExtension(OpenApiSerializerExtension):
    """State in the schema that a change names status, outcome or both."""

    target_class = ReferralUpdateSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "minProperties": 1}


SLUG = r"^[-a-zA-Z0-9_]+$"


@extend_schema_field({"type": "string", "pattern": SLUG})
class PlatformField(serializers.SlugRelatedField):
    """A designated platform by its code; what is not a slug names no platform."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(SLUG, data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return super().to_internal_value(data)


class DeletionRequestSerializer(serializers.ModelSerializer):
    platform = PlatformField(
        slug_field="code",
        queryset=DesignatedPlatform.objects.filter(is_active=True),
        help_text=gettext_lazy("指定されたプラットフォームのコード（x, instagram など）"),
    )
    referral = StrictPrimaryKeyRelatedField(
        queryset=Referral.objects.none(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("この相談の案内の id"),
    )
    follow_up_on = serializers.SerializerMethodField()

    class Meta:
        model = DeletionRequest
        fields = ["id", "platform", "sent_by", "sent_on", "referral", "follow_up_on", "created_at"]
        read_only_fields = ["id", "follow_up_on", "created_at"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["referral"].queryset = case.referrals.all()

    @extend_schema_field(NULLABLE_DATE)
    def get_follow_up_on(self, request) -> str | None:
        dates = sorted(f.due_on for f in request.follow_ups.all())
        return dates[0].isoformat() if dates else None


class CaseReferralsView(GenericAPIView):
    """List a case's referrals, or record a new one (which schedules its follow-up)."""

    queryset = Referral.objects.none()
    serializer_class = ReferralSerializer

    @extend_schema(responses=ReferralSerializer(many=True))
    def get(self, request, reference):
        case = case_get_for(request.user, reference)
        referrals = case.referrals.select_related("case", "service").prefetch_related("follow_ups")
        page = self.paginate_queryset(referrals.order_by("created_at", "id"))
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    @idempotent
    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def post(self, request, reference):
        case = case_get_for(request.user, reference, write=True)
        incoming = ReferralCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        referral = services.referral_record(
            case=case, referred_by=request.user, **incoming.validated_data
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class CaseDeletionRequestsView(APIView):
    """Record a deletion request to a designated platform; its 7-day deadline is followed up."""

    @extend_schema(request=DeletionRequestSerializer, responses={201: DeletionRequestSerializer})
    def post(self, request, reference):
        case = case_get_for(request.user, reference, write=True)
        incoming = DeletionRequestSerializer(data=request.data, case=case)
        incoming.is_valid(raise_exception=True)
        created = services.deletion_request_record(
            case=case, recorded_by=request.user, **incoming.validated_data
        )
        return Response(DeletionRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class AuditedReads:
    """Record in the audit trail each case whose row is read, one by one or on a list page."""

    request: Any

    def get_object(self):
        obj = super().get_object()
        audit_record(actor=self.request.user, action=AuditEntry.Action.VIEW, case=obj.case)
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            audit_record_many(
                actor=self.request.user,
                action=AuditEntry.Action.LIST,
                cases=[row.case for row in page],
            )
        return page


class ReferralViewSet(AuditedReads, mixins.RetrieveModelMixin, DeskScopedViewSet):
    """Read a referral, or move it along its lifecycle (an illegal step is a 400)."""

    queryset = Referral.objects.select_related("case", "service").prefetch_related("follow_ups")
    serializer_class = ReferralSerializer
    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    def partial_update(self, request, pk=None):
        referral = self.get_object()
        incoming = ReferralUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        referral = services.referral_update(
            referral=referral, by=request.user, **incoming.validated_data
        )
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)


class FollowUpSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    referral: "serializers.PrimaryKeyRelatedField[Referral]" = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    result = NullableChoiceField(FollowUp.Result.choices, read_only=True)
    window = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "case", "referral", "kind", "due_on", "window", "result", "done_at"]
        read_only_fields = fields

    def get_window(self, follow_up) -> str | None:
        """The window or platform the follow-up is about."""
        if follow_up.referral_id:
            return follow_up.referral.service_name
        if follow_up.deletion_request_id:
            return follow_up.deletion_request.platform.name
        return None


class FollowUpRecordSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=[c for c in FollowUp.Result.choices if c[0] not in FollowUp.SYSTEM_RESULTS]
    )
    referral_status = serializers.ChoiceField(choices=Referral.Status.choices, required=False)
    outcome = serializers.ChoiceField(choices=Referral.Outcome.choices, required=False)
    next_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "次に確認する日（明日以降）。outcome を記録するときは指定できません。"
        ),
    )


class NextDateOrOutcomeExtension(OpenApiSerializerExtension):
    """State in the schema that a concluded referral needs no next follow-up."""

    target_class = FollowUpRecordSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        # Not both an outcome and a next date (null stands for no date).
        return {
            **schema,
            "not": {
                "required": ["outcome", "next_on"],
                "properties": {"next_on": {"type": "string"}},
            },
        }


class FollowUpFilterSerializer(serializers.Serializer):
    due_before = serializers.DateField(required=False)
    mine = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data):
        # An empty value is a filter not given.
        return super().to_internal_value({key: data.get(key) for key in data if data.get(key)})


class FollowUpViewSet(
    AuditedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, DeskScopedViewSet
):
    """Open follow-ups of the user's desks, soonest first; record one in a single step."""

    queryset = FollowUp.objects.select_related(
        "case", "referral", "deletion_request__platform"
    ).order_by("due_on", "id")
    serializer_class = FollowUpSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        filters = FollowUpFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = queryset.filter(done_at__isnull=True)
        if due_before := filters.validated_data.get("due_before"):
            queryset = queryset.filter(due_on__lt=due_before)
        if filters.validated_data["mine"]:
            queryset = queryset.filter(case__assigned_to=self.request.user)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "due_before", OpenApiTypes.DATE, description="YYYY-MM-DD: due before this day"
            ),
            OpenApiParameter("mine", bool, description="only cases assigned to me"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @idempotent
    @extend_schema(request=FollowUpRecordSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the result, the referral's progress and the next date in one step."""
        follow_up = self.get_object()
        incoming = FollowUpRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            follow_up = services.follow_up_record(
                follow_up=follow_up, by=request.user, **incoming.validated_data
            )
        except DjangoValidationError as error:
            # The referral's own refusal names its status; here that is referral_status.
            refusal = as_api_error(error)
            if isinstance(refusal.detail, dict) and "status" in refusal.detail:
                refusal.detail["referral_status"] = refusal.detail.pop("status")
            raise refusal from None
        return Response(FollowUpSerializer(follow_up).data)
