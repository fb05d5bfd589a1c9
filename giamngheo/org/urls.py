from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_update, name="unit-update"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:pk>/edit/", views.staff_update, name="staff-update"),
]
