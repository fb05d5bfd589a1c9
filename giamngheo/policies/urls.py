from django.urls import path

from . import catalogue_views, request_views, views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("new/", catalogue_views.policy_create, name="policy-create"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/matrix/", views.coverage_matrix, name="coverage-matrix"),
    path("coverage/rebuild/", views.coverage_rebuild, name="coverage-rebuild"),
    path("gaps/<str:code>/", views.gap_list, name="gap-list"),
    path("gaps/<str:code>/record/", views.gap_record, name="gap-record"),
    path("support/", views.support_list, name="support-list"),
    path("support/<int:pk>/", views.support_detail, name="support-detail"),
    path("support/<int:pk>/cancel/", views.support_cancel, name="support-cancel"),
    path("spending/", views.spending, name="spending"),
    path("households/<int:pk>/", views.household_policies, name="household-policies"),
    path("households/<int:pk>/support/new/", views.support_create, name="support-create"),
    path("households/<int:pk>/requests/new/", request_views.request_create, name="request-create"),
    path("requests/", request_views.request_list, name="request-list"),
    path("requests/<int:pk>/", request_views.request_detail, name="request-detail"),
    path("<str:code>/edit/", catalogue_views.policy_edit, name="policy-edit"),
    path("<str:code>/", views.policy_detail, name="policy-detail"),
]
