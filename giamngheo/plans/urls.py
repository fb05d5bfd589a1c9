from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "plans"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_update, name="plan-update"),
    path("<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("<int:pk>/targets/new/", views.target_create, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_update, name="target-update"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("targets/<int:pk>/allocations/", views.allocations, name="allocations"),
    path("targets/<int:pk>/reports/", views.reports, name="reports"),
    path("reports/<int:pk>/evidence/", views.report_evidence, name="report-evidence"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report-delete"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/mark/", views.priority_mark, name="priority-mark"),
    path("priorities/<int:pk>/unmark/", views.priority_unmark, name="priority-unmark"),
]
