from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "unitreports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("rates/", views.unit_rates, name="rates"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/", views.template_detail, name="template-detail"),
    path("templates/<int:pk>/edit/", views.template_update, name="template-update"),
    path("fields/<int:pk>/", views.field_update, name="field-update"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", views.request_update, name="request-update"),
    path("requests/<int:pk>/extension/", views.exception_create, name="exception-create"),
    path("requests/<int:pk>/aggregate/", views.request_aggregate, name="request-aggregate"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/fill/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/<slug:action>/", views.report_action, name="report-action"),
]
