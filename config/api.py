"""The versioned API router: each app registers its viewsets here."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from cases.api import (
    CaseClosingApproveView,
    CaseClosingRequestView,
    CaseClosingReturnView,
    CaseViewSet,
    ClosingRequestsView,
)
from catalogue.api import HsdsServiceViewSet, ServiceViewSet
from deadlines.api import CaseClocksView, DeadlineBoardView
from referrals.api import (
    CaseDeletionRequestsView,
    CaseReferralsView,
    FollowUpViewSet,
    ReferralViewSet,
)
from stats.api import ReferralStatsCSVView, ReferralStatsView, ReferralStatsXLSXView
from transfers.api import TransferViewSet
from triage.api import SuggestionView

# No `.json` suffixes: the statistics files have their own paths, and nothing else needs one.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("catalogue/services", ServiceViewSet, basename="service")
router.register("hsds/services", HsdsServiceViewSet, basename="hsds-service")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("cases", CaseViewSet, basename="case")
router.register("transfers", TransferViewSet, basename="transfer")


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Answer a path under the API that names nothing with the API's JSON 404."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound

    def options(self, request, *args, **kwargs):
        raise NotFound


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script as a file, so the page needs no inline script.
    path(
        "docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/docs.html")
        ),
        name="api-docs",
    ),
    path("referrals/suggestions/", SuggestionView.as_view(), name="suggestions"),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/referrals/$",
        CaseReferralsView.as_view(),
        name="case-referrals",
    ),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/deletion-requests/$",
        CaseDeletionRequestsView.as_view(),
        name="case-deletion-requests",
    ),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/clocks/$",
        CaseClocksView.as_view(),
        name="case-clocks",
    ),
    path("deadlines/", DeadlineBoardView.as_view(), name="deadlines"),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/closing-request/$",
        CaseClosingRequestView.as_view(),
        name="case-closing-request",
    ),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/closing-request/approve/$",
        CaseClosingApproveView.as_view(),
        name="case-closing-approve",
    ),
    re_path(
        rf"^cases/(?P<reference>{CaseViewSet.lookup_value_regex})/closing-request/return/$",
        CaseClosingReturnView.as_view(),
        name="case-closing-return",
    ),
    path("closing-requests/", ClosingRequestsView.as_view(), name="closing-requests"),
    path("stats/referrals/", ReferralStatsView.as_view(), name="stats-referrals"),
    path("stats/referrals.csv", ReferralStatsCSVView.as_view(), name="stats-csv"),
    path("stats/referrals.xlsx", ReferralStatsXLSXView.as_view(), name="stats-xlsx"),
    path("", include(router.urls)),
    re_path(r"^", NotFoundView.as_view()),
]
