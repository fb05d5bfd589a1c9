from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dashboard"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("area/<int:pk>/", views.area, name="area"),
    path("report.pdf", views.report_index, name="report"),
    path("area/<int:pk>/report.pdf", views.area_report, name="area-report"),
]
