from django.urls import path

from retention import views

app_name = "retention"
urlpatterns = [
    path("holds/", views.holds, name="holds"),
    path("holds/lift/", views.hold_lift, name="hold-lift"),
    path("handovers/", views.handovers, name="handovers"),
]
