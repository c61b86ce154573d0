from django.urls import path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("local/new/", views.local_service_edit, name="local-new"),
    path("local/<slug:slug>/edit/", views.local_service_edit, name="local-edit"),
    path("<slug:slug>/", views.service_detail, name="detail"),
]
