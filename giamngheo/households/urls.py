from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("export/", views.household_export, name="household-export"),
    path("new/", views.household_create, name="household-create"),
    path("village-options/", views.village_options, name="village-options"),
    path("<int:pk>/", views.household_detail, name="household-detail"),
    path("<int:pk>/edit/", views.household_update, name="household-update"),
    path("<int:pk>/members/new/", views.member_create, name="member-create"),
    path("members/<int:pk>/edit/", views.member_update, name="member-update"),
    path("members/<int:pk>/history/", views.member_history, name="member-history"),
]
