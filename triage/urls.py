from django.urls import path

from triage import views

app_name = "triage"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("suggestions/", views.triage_suggestions, name="triage-suggestions"),
]
