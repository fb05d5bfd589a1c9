from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("digest/", views.digest, name="digest"),
]
