from django.urls import path

from . import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="standard-list"),
    path("calculator/", views.calculator, name="calculator"),
    path("<str:code>/", views.standard_detail, name="standard-detail"),
]
