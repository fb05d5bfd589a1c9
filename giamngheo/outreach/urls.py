from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "outreach"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.model_list, name="model-list"),
    path("models/new/", views.model_create, name="model-create"),
    path("models/<int:pk>/", views.model_detail, name="model-detail"),
    path("models/<int:pk>/edit/", views.model_update, name="model-update"),
    path("models/<int:pk>/delete/", views.model_delete, name="model-delete"),
    path("model-files/<int:pk>/", views.model_file, name="model-file"),
    path("model-files/<int:pk>/delete/", views.model_file_delete, name="model-file-delete"),
    path("replications/<int:pk>/delete/", views.replication_delete, name="replication-delete"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/summary/", views.activity_summary, name="activity-summary"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity-update"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
    path("activity-files/<int:pk>/", views.activity_file, name="activity-file"),
    path("activity-files/<int:pk>/delete/", views.activity_file_delete, name="activity-file-delete"),
]
