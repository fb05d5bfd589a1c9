from django.urls import URLPattern, URLResolver, path  # noqa: F401

from . import document_urls, views  # noqa: F401

app_name = "commendation"

urlpatterns: list[URLPattern | URLResolver] = []

# documents (H7)
urlpatterns += document_urls.urlpatterns
