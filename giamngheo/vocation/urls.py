from django.urls import URLPattern, URLResolver

app_name = "vocation"

urlpatterns: list[URLPattern | URLResolver] = []
