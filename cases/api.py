"""The cases API, and the desk-scoped base viewset every API over desk-owned rows builds on."""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import DeskScopedViewSet, desk_ids_for
from accounts.models import Desk, Membership
from audit.idempotency import idempotent
from audit.models import AuditEntry
from audit.services import audit_record_many
from cases import selectors, services
from cases.models import FREE_TEXT_MAX_LENGTH, Case, ClosingRequest, CrisisPrompt, Note
from cases.pii import KIND_LABELS
from catalogue.vocabulary import (
    AgeBand,
    Category,
    Channel,
    Consulter,
    Flag,
    Platform,
    Situation,
    Wish,
    code_list_validator,
)
from core.serializers import NullableChoiceField, StrictCharField, StrictSlugField
from triage.api import SuggestionSerializer, suggestion_result_data
from triage.engine import Intake, suggest_for


class CodeListField(serializers.ListField):
    """A list of distinct codes of one vocabulary; an unknown code is named in the 400."""

    def __init__(self, vocabulary, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.ChoiceField(choices=vocabulary.choices), **kwargs)

    def to_internal_value(self, data):
        try:
            code_list_validator(self.vocabulary)(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return list(data)


class ChangeSomethingExtension(OpenApiSerializerExtension):
    """State in the schema that a change names at least one field."""

    target_class = "cases.api.CaseUpdateSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "minProperties": 1}


class CodeListFieldExtension(OpenApiSerializerFieldExtension):
    """State in the schema that a code list holds each code once."""

    target_class = CodeListField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "uniqueItems": True}


class NoteSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Note.Kind.choices, read_only=True)
    closure_reason = NullableChoiceField(Case.ClosureReason.choices, read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    assignee = serializers.CharField(
        source="assignee.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Note
        fields = ["id", "kind", "body", "closure_reason", "assignee", "author", "created_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    desk = serializers.CharField(source="desk.slug", read_only=True)
    status = serializers.ChoiceField(choices=Case.Status.choices, read_only=True)
    wishes = CodeListField(Wish, read_only=True)
    categories = CodeListField(Category, read_only=True)
    flags = CodeListField(Flag, read_only=True)
    platforms = CodeListField(Platform, read_only=True)
    # The urgent codes the counsellor was prompted for and declined; never the phrase.
    crisis_declined = CodeListField(CrisisPrompt, read_only=True)
    serious_bullying = serializers.BooleanField(read_only=True)
    consulter = NullableChoiceField(Consulter.choices, read_only=True)
    channel = NullableChoiceField(Channel.choices, read_only=True)
    closure_reason = NullableChoiceField(Case.ClosureReason.choices, read_only=True)
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)
    assigned_to = serializers.CharField(
        source="assigned_to.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "desk",
            "situation",
            "wishes",
            "categories",
            "flags",
            "age_band",
            "consulter",
            "channel",
            "platforms",
            "serious_bullying",
            "summary",
            "crisis_declined",
            "status",
            "closure_reason",
            "opened_by",
            "assigned_to",
            "created_at",
            "updated_at",
            "closed_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "notes"]
        read_only_fields = fields


class CaseCreatedSerializer(CaseSerializer):
    """The new case with the suggestion engine's windows for it."""

    suggestions = SuggestionSerializer(many=True, read_only=True)
    guidance = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "suggestions", "guidance"]
        read_only_fields = fields


class CaseCodesSerializer(serializers.Serializer):
    situation = serializers.ChoiceField(choices=Situation.choices)
    wishes = CodeListField(Wish)
    categories = CodeListField(Category)
    flags = CodeListField(Flag)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False)
    consulter = NullableChoiceField(
        Consulter.choices, required=False, help_text=gettext_lazy("分からないときは null")
    )
    channel = NullableChoiceField(
        Channel.choices, required=False, help_text=gettext_lazy("分からないときは null")
    )
    platforms = CodeListField(Platform)
    serious_bullying = serializers.BooleanField(
        required=False, help_text=gettext_lazy("いじめ重大事態（いじめ防止対策推進法第28条）")
    )
    summary = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=FREE_TEXT_MAX_LENGTH,
        help_text=gettext_lazy(
            "個人を特定できる情報を含むと 400（pii に種類）で、何も保存しません。"
        ),
    )


class CaseCreateSerializer(CaseCodesSerializer):
    desk = StrictSlugField(
        required=False,
        help_text=gettext_lazy("デスクの識別子。相談員として複数のデスクに所属するときは必須。"),
    )
    assigned_to = StrictCharField(
        required=False, help_text=gettext_lazy("担当者のユーザー名（省略時は自分）")
    )

    def validate_desk(self, slug):
        desk = Desk.objects.filter(slug=slug, id__in=self.context["desk_ids"]).first()
        if desk is None:
            raise serializers.ValidationError(
                _("デスク「%(slug)s」に相談員として所属していません。") % {"slug": slug}
            )
        return desk

    def validate(self, data):
        if "desk" not in data:
            desks = list(Desk.objects.filter(id__in=self.context["desk_ids"]))
            if len(desks) != 1:
                raise serializers.ValidationError(
                    {"desk": [_("複数のデスクに所属しています。desk を指定してください。")]}
                )
            data["desk"] = desks[0]
        if "assigned_to" in data:
            data["assigned_to"] = _assignee(data["desk"].pk, data["assigned_to"])
        return data


def _assignee(desk_id: int, username: str):
    user = selectors.assignable_counsellors(desk_id).filter(username=username).first()
    if user is None:
        raise serializers.ValidationError(
            {"assigned_to": [_("担当者は同じデスクの相談員から選んでください。")]}
        )
    return user


class CaseUpdateSerializer(CaseCodesSerializer):
    assigned_to = StrictCharField(
        required=False, help_text=gettext_lazy("新しい担当者のユーザー名（同じデスクの相談員）")
    )
    status = serializers.ChoiceField(
        choices=[
            (code, Case.Status(code).label) for code in (Case.Status.OPEN, Case.Status.CLOSED)
        ],
        required=False,
        help_text=gettext_lazy(
            "closed で終了（closure_reason が必要）、open で再開（reason が必要）"
        ),
    )
    closure_reason = NullableChoiceField(Case.ClosureReason.choices, required=False)
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=FREE_TEXT_MAX_LENGTH,
        help_text=gettext_lazy("再開の理由、または終了のメモ（個人情報は不可）"),
    )
    follow_up_reason = StrictCharField(
        required=False,
        help_text=gettext_lazy(
            "終了するときに未完了のフォローアップがあれば、確認しない理由のコード"
            "（person_declined, lost_contact, handled_elsewhere, no_longer_needed）"
        ),
    )

    def to_internal_value(self, data):
        if isinstance(data, dict) and data.get("status") in (
            Case.Status.REFERRED,
            Case.Status.FOLLOWING_UP,
        ):
            raise serializers.ValidationError(
                {
                    "status": [
                        _(
                            "「案内済み」「フォローアップ中」は、案内やフォローアップを記録すると自動で変わります。"
                        )
                    ]
                }
            )
        return super().to_internal_value(data)

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                {"non_field_errors": [_("変更する項目を指定してください。")]}
            )
        # Read by the referrals app from the request when the case closes.
        data.pop("follow_up_reason", None)
        if "assigned_to" in data:
            data["assigned_to"] = _assignee(self.context["case"].desk_id, data["assigned_to"])
        return data


class NoteCreateSerializer(serializers.Serializer):
    body = StrictCharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        help_text=gettext_lazy("空白だけのメモは記録できません。個人情報は不可。"),
    )


@functools.cache
def _refusal(field: str) -> OpenApiResponse:
    return OpenApiResponse(
        inline_serializer(
            f"PersonalDataRefusal{field.title()}",
            {
                field: serializers.ListField(child=serializers.CharField()),
                "pii": serializers.ListField(
                    child=serializers.ChoiceField(choices=list(KIND_LABELS))
                ),
            },
        ),
        description=gettext_lazy(
            "個人を特定できる情報を含むとき: 項目ごとの説明（種類と位置のみ。日本語、Accept-Language: en なら英語）と、見つかった種類。何も保存しません。"
            "コードの誤りなど他の誤りでは、項目名ごとの説明を返します。"
        ),
    )


class CaseFilterSerializer(serializers.Serializer):
    """The list's filters, read from the query string."""

    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    mine = serializers.BooleanField(required=False, default=False)
    desk_slug = serializers.CharField(required=False)

    def to_internal_value(self, data):
        # "from" and "to" are Python keywords; an empty value is a filter not given.
        renamed = {"from": "date_from", "to": "date_to", "desk": "desk_slug"}
        given = {renamed.get(key, key): data.get(key) for key in data if data.get(key) != ""}
        try:
            return super().to_internal_value(given)
        except ValidationError as error:
            back = {value: key for key, value in renamed.items()}
            raise ValidationError(
                {back.get(key, key): messages for key, messages in error.detail.items()}
            ) from None

    def validate_desk_slug(self, slug):
        if slug not in self.context["desk_slugs"]:
            raise serializers.ValidationError(
                _("所属していないデスクです: %(value)s") % {"value": slug}
            )
        return slug

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError({"to": [_("「まで」は「から」以降の日付にしてください。")]})
        return data


LIST_PARAMETERS = [
    OpenApiParameter("status", str, enum=Case.Status.values, description="status code"),
    OpenApiParameter("category", str, enum=Category.values, description="content category"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="YYYY-MM-DD: opened on or after"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD: opened on or before"),
    OpenApiParameter("mine", bool, description="only cases assigned to me"),
    OpenApiParameter("desk", str, description="the slug of one of my desks"),
]


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    DeskScopedViewSet,
):
    """Anonymised cases of the user's desks: record, list, read, change, add notes."""

    queryset = Case.objects.select_related("desk", "assigned_to", "opened_by")
    serializer_class = CaseSerializer
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z0-9_\-]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        slugs = set(
            Desk.objects.filter(id__in=self.readable_desk_ids()).values_list("slug", flat=True)
        )
        filters = CaseFilterSerializer(
            data=self.request.query_params, context={"desk_slugs": slugs}
        )
        filters.is_valid(raise_exception=True)
        return selectors.case_list(self.request.user, **filters.validated_data)

    def get_object(self):
        write = self.request.method not in SAFE_METHODS
        return selectors.case_get_for(self.request.user, self.kwargs["reference"], write=write)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "notes":
            return NoteSerializer
        return CaseSerializer

    @extend_schema(parameters=LIST_PARAMETERS)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(actor=request.user, action=AuditEntry.Action.LIST, cases=page)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        case = Case.objects.prefetch_related("notes__author", "notes__assignee").get(pk=case.pk)
        return Response(CaseDetailSerializer(case).data)

    @idempotent
    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseCreatedSerializer, 400: _refusal("summary")},
    )
    def create(self, request):
        """Record an intake; answer with its reference and the suggested windows."""
        desk_ids = desk_ids_for(request.user, roles=(Membership.Role.COUNSELLOR,))
        if not desk_ids:
            raise PermissionDenied(_("相談を記録できるのは、デスクの相談員だけです。"))
        incoming = CaseCreateSerializer(data=request.data, context={"desk_ids": desk_ids})
        incoming.is_valid(raise_exception=True)
        case = services.case_open(opened_by=request.user, **incoming.validated_data)
        result = suggest_for(
            Intake(
                situation=case.situation,
                wishes=frozenset(case.wishes),
                categories=frozenset(case.categories),
                flags=frozenset(case.flags),
                desk_id=case.desk_id,
                desk_kind=case.desk.kind,
                platforms=frozenset(case.platforms),
            ),
            request.user,
        )
        data = {**CaseSerializer(case).data, **suggestion_result_data(result)}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseUpdateSerializer, responses={200: CaseSerializer, 400: _refusal("summary")}
    )
    def partial_update(self, request, reference=None):
        """Change codes or summary, reassign, close (with a reason) or reopen (with a reason)."""
        case = self.get_object()
        incoming = CaseUpdateSerializer(data=request.data, partial=True, context={"case": case})
        incoming.is_valid(raise_exception=True)
        case = services.case_change(
            case=case, by=request.user, data=request.data, **incoming.validated_data
        )
        return Response(CaseSerializer(case).data)

    @idempotent
    @extend_schema(
        methods=["post"],
        request=NoteCreateSerializer,
        responses={201: NoteSerializer, 400: _refusal("body")},
    )
    @extend_schema(methods=["get"], responses=NoteSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, reference=None):
        """The case's timeline, oldest first; POST adds a note, guarded like summary."""
        case = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.case_timeline(case))
            return self.get_paginated_response(NoteSerializer(page, many=True).data)
        incoming = NoteCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = services.note_add(case=case, by=request.user, **incoming.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ClosingRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="case.reference", read_only=True)
    desk = serializers.CharField(source="case.desk.slug", read_only=True)
    status = serializers.ChoiceField(choices=ClosingRequest.Status.choices, read_only=True)
    closure_reason = serializers.ChoiceField(choices=Case.ClosureReason.choices, read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ClosingRequest
        fields = [
            "id",
            "reference",
            "desk",
            "status",
            "closure_reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ClosingRequestCreateSerializer(serializers.Serializer):
    closure_reason = serializers.ChoiceField(choices=Case.ClosureReason.choices)
    note = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=FREE_TEXT_MAX_LENGTH,
        help_text=gettext_lazy("スーパーバイザーへのメモ（個人情報は不可）"),
    )
    follow_up_reason = StrictCharField(
        required=False,
        help_text=gettext_lazy(
            "未完了のフォローアップがあれば、確認しない理由のコード"
            "（person_declined, lost_contact, handled_elsewhere, no_longer_needed）"
        ),
    )


class ClosingReturnSerializer(serializers.Serializer):
    comment = StrictCharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        help_text=gettext_lazy("差し戻す理由（個人情報は不可）"),
    )


class ClosingRequestsView(GenericAPIView):
    """Requests to close a case that wait for a supervisor, at the desks the user reads."""

    serializer_class = ClosingRequestSerializer
    queryset = ClosingRequest.objects.none()

    @extend_schema(responses=ClosingRequestSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.pending_closing_requests_for(request.user))
        return self.get_paginated_response(ClosingRequestSerializer(page, many=True).data)


class CaseClosingRequestView(APIView):
    """Ask a supervisor to approve closing a case that carried an urgent or serious flag."""

    @extend_schema(
        request=ClosingRequestCreateSerializer,
        responses={201: ClosingRequestSerializer, 400: _refusal("note")},
    )
    def post(self, request, reference):
        case = selectors.case_get_for(request.user, reference, write=True)
        incoming = ClosingRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        closing = services.closing_request_submit(
            case=case,
            by=request.user,
            reason=data["closure_reason"],
            note=data.get("note", ""),
            follow_up_reason=data.get("follow_up_reason", ""),
        )
        return Response(ClosingRequestSerializer(closing).data, status=status.HTTP_201_CREATED)


class CaseClosingApproveView(APIView):
    """Approve the pending request: the case closes (a supervisor of its desk)."""

    @extend_schema(
        request=None,
        responses={
            200: CaseSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "RefusedClosingApproval",
                    {
                        "non_field_errors": serializers.ListField(
                            child=serializers.CharField(), required=False
                        ),
                        "follow_up_reason": serializers.ListField(
                            child=serializers.CharField(), required=False
                        ),
                    },
                ),
                description=gettext_lazy(
                    "承認を待っている依頼がないか、このデスクのスーパーバイザーではありません。"
                ),
            ),
        },
    )
    def post(self, request, reference):
        case = selectors.case_get_for(request.user, reference)
        case = services.closing_request_approve(case=case, by=request.user)
        return Response(CaseSerializer(case).data)


class CaseClosingReturnView(APIView):
    """Send the pending request back with a comment (a supervisor of the case's desk)."""

    @extend_schema(
        request=ClosingReturnSerializer,
        responses={200: ClosingRequestSerializer, 400: _refusal("comment")},
    )
    def post(self, request, reference):
        case = selectors.case_get_for(request.user, reference)
        incoming = ClosingReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        closing = services.closing_request_return(
            case=case, by=request.user, comment=incoming.validated_data["comment"]
        )
        return Response(ClosingRequestSerializer(closing).data)
