import uuid

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from catalogue.hsds.export import service_document, services_page
from catalogue.models import Organization, Phone, Schedule, Service
from catalogue.selectors import service_search, services_for
from catalogue.vocabulary import Action, Category, Channel
from core.serializers import NullableCharField, NullableURLField, StrictIntegerField


def _codes(vocabulary) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.choices), read_only=True
    )


class OrganizationSerializer(serializers.ModelSerializer):
    url = NullableURLField(read_only=True)

    class Meta:
        model = Organization
        fields = ["slug", "name", "name_en", "url"]


class PhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phone
        fields = ["number", "kind", "hours", "note"]


class ScheduleSerializer(serializers.ModelSerializer):
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=Schedule.Weekday.choices), read_only=True
    )
    opens_at = serializers.SerializerMethodField(help_text="HH:MM")
    closes_at = serializers.SerializerMethodField(help_text="HH:MM")
    description = serializers.CharField(source="describe", read_only=True)
    note = NullableCharField(read_only=True)

    class Meta:
        model = Schedule
        fields = [
            "weekdays",
            "opens_at",
            "closes_at",
            "closed_on_holidays",
            "closed_year_end",
            "note",
            "description",
        ]

    def get_opens_at(self, schedule: Schedule) -> str:
        return f"{schedule.opens_at:%H:%M}"

    def get_closes_at(self, schedule: Schedule) -> str:
        return f"{schedule.closes_at:%H:%M}"


class ServiceSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    actions = _codes(Action)
    channels = _codes(Channel)
    categories = _codes(Category)
    url = NullableURLField(read_only=True)
    phone = serializers.SerializerMethodField()
    phones = PhoneSerializer(many=True, read_only=True)
    schedules = ScheduleSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    source_url = NullableURLField(read_only=True)
    prefecture = NullableCharField(read_only=True)
    municipality = NullableCharField(read_only=True)
    needs_review = serializers.BooleanField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "slug",
            "uuid",
            "name",
            "name_en",
            "organization",
            "description",
            "actions",
            "channels",
            "categories",
            "audience",
            "phone",
            "phones",
            "url",
            "hours",
            "schedules",
            "languages",
            "eligibility",
            "counsellor_notes",
            "scope",
            "prefecture",
            "municipality",
            "follow_up_days",
            "last_verified",
            "source_url",
            "needs_review",
            "link_status",
            "link_checked_at",
        ]
        read_only_fields = fields

    def get_phone(self, service: Service) -> str | None:
        phones = list(service.phones.all())
        return phones[0].number if phones else None


FILTERS = {"action": Action, "channel": Channel, "category": Category}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, enum=choices.values)
            for name, choices in FILTERS.items()
        ]
    )
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The consultation windows a member of staff can refer people to."""

    serializer_class = ServiceSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = []

    def get_queryset(self):
        return services_for(self.request.user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        codes = {}
        for name, choices in FILTERS.items():
            value = self.request.query_params.get(name, "")
            if value and value not in choices.values:
                raise ValidationError({name: [_("不明なコードです: %(codes)s") % {"codes": value}]})
            codes[name] = value
        return service_search(queryset, **codes)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])


class HsdsPageQuery(serializers.Serializer):
    page = StrictIntegerField(min_value=1, required=False, default=1)
    per_page = StrictIntegerField(min_value=1, max_value=200, required=False, default=50)


@extend_schema_view(
    list=extend_schema(
        summary="HSDS 3.0 /services",
        operation_id="hsds_services_list",
        parameters=[HsdsPageQuery],
        responses={200: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(
        summary="HSDS 3.0 /services/{id}",
        operation_id="hsds_services_retrieve",
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: OpenApiTypes.OBJECT},
    ),
)
class HsdsServiceViewSet(viewsets.ViewSet):
    """The windows a member of staff may see, as Open Referral HSDS 3.0 documents."""

    # Names the model the routes serve (for the route checks); answers use get_queryset.
    queryset = Service.objects.none()
    lookup_field = "id"
    lookup_value_regex = r"[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return services_for(self.request.user).order_by("uuid")

    def list(self, request):
        # A parameter sent empty counts as not given, as everywhere in the API.
        query = HsdsPageQuery(data={k: v for k, v in request.query_params.items() if v != ""})
        query.is_valid(raise_exception=True)
        return Response(
            services_page(
                self.get_queryset(),
                page=query.validated_data["page"],
                per_page=query.validated_data["per_page"],
            )
        )

    def retrieve(self, request, id=None):
        try:
            identifier = uuid.UUID(str(id))
        except ValueError:
            raise NotFound from None
        service = get_object_or_404(self.get_queryset(), uuid=identifier)
        return Response(service_document(service))
