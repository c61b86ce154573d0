from django.urls import path

from stats import views as stats_views

app_name = "stats"
urlpatterns = [
    path("", stats_views.stats_dashboard, name="dashboard"),
    path("national/", stats_views.stats_national, name="national"),
    path("export/<slug:table>.<str:fmt>", stats_views.stats_export_view, name="export"),
]
