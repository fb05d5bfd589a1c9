from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "relief"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.incident_list, name="incident-list"),
    path("new/", views.incident_create, name="incident-create"),
    path("follow-up/", views.follow_up_year, name="follow-up"),
    path("follow-up/request/", views.follow_up_request, name="follow-up-request"),
    path("<int:pk>/", views.incident_detail, name="incident-detail"),
    path("<int:pk>/edit/", views.incident_update, name="incident-update"),
    path("<int:pk>/attachment/", views.incident_attachment, name="incident-attachment"),
    path("<int:pk>/totals/", views.incident_totals, name="incident-totals"),
    path("<int:pk>/follow-up/", views.follow_up_incident, name="incident-follow-up"),
    path("<int:pk>/households/new/", views.affected_create, name="affected-create"),
    path("households/<int:pk>/", views.affected_detail, name="affected-detail"),
    path("households/<int:pk>/edit/", views.affected_update, name="affected-update"),
    path("households/<int:pk>/delete/", views.affected_delete, name="affected-delete"),
    path("support/<int:pk>/delete/", views.support_delete, name="support-delete"),
    path("household/<int:pk>/", views.household_relief, name="household-relief"),
]
