"""The statistics API: suppressed referral counts as JSON, CSV or XLSX, for supervisors only."""

import re
from urllib.parse import quote

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.vocabulary import Category
from referrals.models import Referral
from stats.params import DIMENSIONS, StatsParamError
from stats.periods import PeriodError, parse_month
from stats.services import CONTENT_TYPES, stats_export, stats_query_for
from stats.tables import flat_rows, referral_table

MONTH = r"^[2-9][0-9]{3}-(0[1-9]|1[0-2])$"
SLUG = r"^[-a-zA-Z0-9_]+$"

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, pattern=MONTH, description="YYYY-MM（月単位）"),
    OpenApiParameter(
        "to", OpenApiTypes.STR, pattern=MONTH, description="YYYY-MM（月単位、先月まで）"
    ),
    OpenApiParameter(
        "fiscal_year",
        {"type": "integer", "minimum": 2000, "maximum": 9999},
        description="年度（4月〜3月）。from・to より優先します。",
    ),
    OpenApiParameter(
        "desk",
        {"type": "array", "items": {"type": "string", "pattern": SLUG}},
        style="form",
        explode=False,
        description="担当しているデスクの識別子（カンマ区切り）。省略するとすべて。",
    ),
    OpenApiParameter(
        "category", OpenApiTypes.STR, enum=Category.values, description="内容のコード"
    ),
    OpenApiParameter(
        "group_by",
        {
            "type": "array",
            "items": {"type": "string", "enum": list(DIMENSIONS)},
            "uniqueItems": True,
        },
        style="form",
        explode=False,
        description="集計の切り口（カンマ区切り）",
    ),
]


class StatsRowSerializer(serializers.Serializer):
    """One cell: a key per group_by dimension, and its count unless it is suppressed."""

    service = serializers.CharField(required=False, help_text=_("窓口の識別子"))
    category = serializers.ChoiceField(
        choices=Category.choices,
        allow_null=True,
        required=False,
        help_text=_("null は内容の指定なし"),
    )
    desk = serializers.CharField(required=False, help_text=_("デスクの識別子"))
    month = serializers.RegexField(MONTH, required=False)
    outcome = serializers.ChoiceField(
        choices=Referral.Outcome.choices,
        allow_null=True,
        required=False,
        help_text=_("null はまだ終了していない案内"),
    )
    count = serializers.IntegerField(allow_null=True, min_value=0)
    suppressed = serializers.BooleanField()


REFERRAL_STATS = inline_serializer(
    "ReferralStats",
    {
        "group_by": serializers.ListField(child=serializers.ChoiceField(choices=DIMENSIONS)),
        "suppression_threshold": serializers.IntegerField(),
        "from": serializers.RegexField(MONTH),
        "to": serializers.RegexField(MONTH),
        "total": serializers.IntegerField(allow_null=True, min_value=0),
        "rows": StatsRowSerializer(many=True),
    },
)


def _refuse_malformed(params) -> None:
    """Refuse what the schema's patterns refuse, before any of it is looked up.

    A from or to is checked even where fiscal_year, which wins, leaves it unused.
    """
    errors = {}
    for name in ("from", "to"):
        if params.get(name):
            try:
                parse_month(params[name])
            except PeriodError:
                errors[name] = [gettext("月は YYYY-MM の形で指定してください（例: 2025-04）。")]
    desks = params["desk"].split(",") if params.get("desk") else []
    if not all(re.fullmatch(SLUG, desk) for desk in desks):
        errors["desk"] = [
            gettext("指定したデスクの統計は見られません。担当しているデスクを指定してください。")
        ]
    if errors:
        raise ValidationError(errors)


class StatsView(APIView):
    """Base for statistics endpoints: one access check and one parameter reader."""

    def query(self, request):
        _refuse_malformed(request.query_params)
        try:
            return stats_query_for(request.user, request.query_params)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except StatsParamError as exc:
            raise ValidationError(exc.errors) from exc


class ReferralStatsView(StatsView):
    """Referral counts of the desks the user supervises, grouped and suppressed."""

    @extend_schema(parameters=PARAMETERS, responses=REFERRAL_STATS)
    def get(self, request):
        query = self.query(request)
        table = referral_table(query)
        _headers, rows, _sheet = flat_rows(table)
        return Response(
            {
                "group_by": list(table.dims),
                "suppression_threshold": table.threshold,
                "from": str(query.period.first),
                "to": str(query.period.last),
                "total": table.total.count,
                "rows": rows,
            }
        )


class ReferralStatsFileView(StatsView):
    """The same table as a file; a subclass names the format."""

    fmt: str
    # Counted under the lower export rate (accounts.throttling.ExportThrottle).
    throttle_scope = "export"

    def get(self, request):
        query = self.query(request)
        data, filename = stats_export(
            user=request.user, query=query, fmt=self.fmt, name="referrals"
        )
        response = HttpResponse(data, content_type=CONTENT_TYPES[self.fmt])
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response


def _file(fmt: str, description: str | Promise) -> dict:
    return {
        (200, CONTENT_TYPES[fmt]): OpenApiResponse(OpenApiTypes.BINARY, description=description)
    }


class ReferralStatsCSVView(ReferralStatsFileView):
    fmt = "csv"

    @extend_schema(parameters=PARAMETERS, responses=_file("csv", _("CSV（UTF-8、BOM 付き）")))
    def get(self, request):
        return super().get(request)


class ReferralStatsXLSXView(ReferralStatsFileView):
    fmt = "xlsx"

    @extend_schema(parameters=PARAMETERS, responses=_file("xlsx", _("Excel ブック")))
    def get(self, request):
        return super().get(request)
