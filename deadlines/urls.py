from django.urls import path

from deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("", views.board, name="board"),
    path("cases/<str:reference>/clocks/", views.clock_start, name="clock-start"),
    path("cases/<str:reference>/clocks/step/", views.clock_step, name="clock-step"),
    path("cases/<str:reference>/clocks/close/", views.clock_close, name="clock-close"),
]
