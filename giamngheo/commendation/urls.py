from django.urls import URLPattern, URLResolver, path  # noqa: F401

from . import views  # noqa: F401

app_name = "commendation"

urlpatterns: list[URLPattern | URLResolver] = []
