"""The versioned API router: each app registers its viewsets here."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cases.api import CaseViewSet
from catalogue.api import ServiceViewSet
from referrals.api import (
    CaseDeletionRequestsView,
    CaseReferralsView,
    FollowUpViewSet,
    ReferralViewSet,
)
from stats.api import ReferralStatsFileView, ReferralStatsView
from triage.api import SuggestionView

router = DefaultRouter()
router.register("catalogue/services", ServiceViewSet, basename="service")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("cases", CaseViewSet, basename="case")

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
    path("cases/<str:reference>/referrals/", CaseReferralsView.as_view(), name="case-referrals"),
    path(
        "cases/<str:reference>/deletion-requests/",
        CaseDeletionRequestsView.as_view(),
        name="case-deletion-requests",
    ),
    path("stats/referrals/", ReferralStatsView.as_view(), name="stats-referrals"),
    path("stats/referrals.csv", ReferralStatsFileView.as_view(fmt="csv"), name="stats-csv"),
    path("stats/referrals.xlsx", ReferralStatsFileView.as_view(fmt="xlsx"), name="stats-xlsx"),
    path("", include(router.urls)),
]
