from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("suggestions/", views.triage_suggestions, name="triage-suggestions"),
    path("slip/", views.slip, name="slip"),
]
