"""The API for handing a case to another desk.

A transfer belongs to two desks, so its rows are cut to the user's desks on either side
here rather than through ``DeskScopedViewSet``, which follows one desk per row. A transfer
of two other desks is a 404 like any other row out of reach.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Desk
from cases.api import CodeListField
from cases.models import Case
from cases.selectors import case_get_for
from catalogue.vocabulary import AgeBand, Category, Flag, Situation, Wish
from core.serializers import NullableChoiceField, StrictSlugField
from transfers import selectors, services
from transfers.models import CaseTransfer, Consent, DeclineReason


class TransferSerializer(serializers.ModelSerializer):
    """A transfer as both desks see it: codes and dates, nothing the person said."""

    from_desk = serializers.CharField(source="from_desk.slug", read_only=True)
    to_desk = serializers.CharField(source="to_desk.slug", read_only=True)
    consent = serializers.ChoiceField(choices=Consent.choices, read_only=True)
    status = serializers.ChoiceField(choices=CaseTransfer.Status.choices, read_only=True)
    decline_reason = NullableChoiceField(DeclineReason.choices, read_only=True)

    class Meta:
        model = CaseTransfer
        fields = [
            "id",
            "reference",
            "from_desk",
            "to_desk",
            "consent",
            "status",
            "decline_reason",
            "offered_at",
            "decided_at",
        ]
        read_only_fields = fields


class IncomingTransferSerializer(TransferSerializer):
    """An offer waiting at the user's desk, with the case's codes only."""

    situation = serializers.ChoiceField(
        choices=Situation.choices, source="case.situation", read_only=True
    )
    wishes = CodeListField(Wish, source="case.wishes", read_only=True)
    categories = CodeListField(Category, source="case.categories", read_only=True)
    flags = CodeListField(Flag, source="case.flags", read_only=True)
    age_band = serializers.ChoiceField(
        choices=AgeBand.choices, source="case.age_band", read_only=True
    )

    class Meta(TransferSerializer.Meta):
        fields = [
            *TransferSerializer.Meta.fields,
            "situation",
            "wishes",
            "categories",
            "flags",
            "age_band",
        ]
        read_only_fields = fields


class HandedOverSerializer(TransferSerializer):
    """A case the user's desk handed over: where it went, when, and how it ended if it has."""

    outcome = NullableChoiceField(
        Case.ClosureReason.choices,
        source="case.closure_reason",
        read_only=True,
        help_text=gettext_lazy("引き継ぎ先で終了したときの終了の理由。それまでは null"),
    )

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "outcome"]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    case = serializers.CharField(
        max_length=80, help_text=gettext_lazy("引き継ぐ相談の受付番号（自分のデスクの相談）")
    )
    to_desk = StrictSlugField(help_text=gettext_lazy("引き継ぎ先のデスクの識別子"))
    consent = serializers.ChoiceField(
        choices=Consent.choices, help_text=gettext_lazy("相談者の同意のコード")
    )

    def validate_to_desk(self, slug):
        desk = Desk.objects.filter(slug=slug).first()
        if desk is None:
            raise serializers.ValidationError(
                _("デスク「%(slug)s」は見つかりません。") % {"slug": slug}
            )
        return desk


class TransferDeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices, help_text=gettext_lazy("辞退の理由のコード")
    )


# A step the transfer's state or the user's role does not allow: the 400 says which.
REFUSED_STEP = OpenApiResponse(
    inline_serializer(
        "RefusedTransferStep",
        {"non_field_errors": serializers.ListField(child=serializers.CharField())},
    ),
    description=gettext_lazy(
        "この引き継ぎはもう受け入れ待ちでないか、この操作ができるデスクの相談員ではありません。"
    ),
)


class TransferViewSet(viewsets.GenericViewSet):
    """Offer a case to another desk; accept, decline or withdraw an offer; list both sides."""

    serializer_class = TransferSerializer
    queryset = CaseTransfer.objects.none()
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return selectors.transfers_for(self.request.user).select_related("from_desk", "to_desk")

    def _page(self, rows, serializer_class, *, shows_cases: bool = True):
        page = self.paginate_queryset(rows)
        if shows_cases:
            services.transfers_shown(user=self.request.user, transfers=page or [])
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(responses=IncomingTransferSerializer(many=True))
    @action(detail=False, methods=["get"])
    def incoming(self, request):
        """Offers waiting at my desks, oldest first: the case's codes, never its text."""
        return self._page(selectors.incoming_for(request.user), IncomingTransferSerializer)

    @extend_schema(responses=TransferSerializer(many=True))
    @action(detail=False, methods=["get"])
    def sent(self, request):
        """My desks' offers still waiting or declined (with the reason), newest first."""
        return self._page(selectors.sent_for(request.user), TransferSerializer)

    @extend_schema(responses=HandedOverSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="handed-over")
    def handed_over(self, request):
        """Cases my desks handed over: the reference, dates, desk and outcome when known."""
        # A stub shows the reference and dates of a case that is no longer the desk's.
        return self._page(
            selectors.handed_over_for(request.user), HandedOverSerializer, shows_cases=False
        )

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer})
    def create(self, request):
        """Offer one of my desk's cases to another desk, with the person's consent as a code."""
        incoming = TransferCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            case = case_get_for(request.user, data["case"])
        except Http404:
            raise serializers.ValidationError(
                {"case": [_("この受付番号の相談は見つかりません。")]}
            ) from None
        transfer = services.transfer_offer(
            case=case, by=request.user, to_desk=data["to_desk"], consent=data["consent"]
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TransferSerializer, 400: REFUSED_STEP})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take the case over: it becomes my desk's, with me as its counsellor."""
        transfer = services.transfer_accept(transfer_id=self.get_object().pk, by=request.user)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=TransferDeclineSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline the offer with a reason code; the case stays with the sending desk."""
        transfer = self.get_object()
        incoming = TransferDeclineSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        transfer = services.transfer_decline(
            transfer_id=transfer.pk, by=request.user, **incoming.validated_data
        )
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=None, responses={200: TransferSerializer, 400: REFUSED_STEP})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back an offer of my desk not yet answered."""
        transfer = services.transfer_withdraw(transfer_id=self.get_object().pk, by=request.user)
        return Response(TransferSerializer(transfer).data)
