from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "ops"

# With and without the slash: probes are often written /healthz, and a redirect is not an answer.
urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("healthz", views.healthz),
    path("readyz", views.readyz),
]
