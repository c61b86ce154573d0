from django.urls import path

from referrals import views

app_name = "followups"
urlpatterns = [
    path("", views.week, name="week"),
    path("settings/", views.digest_settings, name="settings"),
    path("<int:follow_up_id>/record/", views.record, name="record"),
    path("cases/<str:reference>/refer/", views.refer, name="refer"),
    path(
        "cases/<str:reference>/deletion-request/", views.deletion_request, name="deletion-request"
    ),
    path("referrals/<int:referral_id>/status/", views.referral_status, name="referral-status"),
]
