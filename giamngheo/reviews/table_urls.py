from django.urls import path  # noqa: F401

app_name = "tables"

urlpatterns: list = []  # official tables
