from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "odk"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.connection_list, name="connection-list"),
    path("new/", views.connection_create, name="connection-create"),
    path("<int:pk>/", views.connection_detail, name="connection-detail"),
    path("<int:pk>/edit/", views.connection_update, name="connection-update"),
    path("<int:pk>/delete/", views.connection_delete, name="connection-delete"),
    path("<int:pk>/pull/", views.pull_start, name="pull-start"),
]
