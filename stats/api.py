"""The statistics API: suppressed referral counts as JSON, CSV or XLSX, for supervisors only."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from stats.params import DIMENSIONS, StatsParamError
from stats.services import CONTENT_TYPES, stats_export, stats_query_for
from stats.tables import flat_rows, referral_table

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, description="YYYY-MM（月単位）"),
    OpenApiParameter("to", OpenApiTypes.STR, description="YYYY-MM（月単位、先月まで）"),
    OpenApiParameter("fiscal_year", OpenApiTypes.INT, description="年度（4月〜3月）"),
    OpenApiParameter("desk", OpenApiTypes.STR, description="デスクの識別子（カンマ区切り）"),
    OpenApiParameter("category", OpenApiTypes.STR, description="内容のコード（1つ）"),
    OpenApiParameter("group_by", OpenApiTypes.STR, description=", ".join(DIMENSIONS)),
]


class StatsView(APIView):
    """Base for statistics endpoints: one access check and one parameter reader."""

    def query(self, request):
        try:
            return stats_query_for(request.user, request.query_params)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except StatsParamError as exc:
            raise ValidationError(exc.errors) from exc


class ReferralStatsView(StatsView):
    @extend_schema(parameters=PARAMETERS, responses=OpenApiTypes.OBJECT)
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
    fmt = "csv"

    @extend_schema(parameters=PARAMETERS, responses={(200, "application/octet-stream"): bytes})
    def get(self, request):
        query = self.query(request)
        data, filename = stats_export(
            user=request.user, query=query, fmt=self.fmt, name="referrals"
        )
        response = HttpResponse(data, content_type=CONTENT_TYPES[self.fmt])
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response
