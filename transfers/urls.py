from django.urls import path

from transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("handed-over/", views.handed_over, name="handed-over"),
    path("offer/<str:reference>/", views.offer, name="offer"),
    path("<int:transfer_id>/accept/", views.accept, name="accept"),
    path("<int:transfer_id>/decline/", views.decline, name="decline"),
    path("<int:transfer_id>/withdraw/", views.withdraw, name="withdraw"),
]
