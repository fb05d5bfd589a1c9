from django.urls import URLPattern, URLResolver

app_name = "relief"

urlpatterns: list[URLPattern | URLResolver] = []
