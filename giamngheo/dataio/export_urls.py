from django.urls import path

from . import export_views

app_name = "dataio-export"

urlpatterns = [
    path("households/", export_views.households, name="households"),
    path("members/", export_views.members, name="members"),
    path("reclassify/", export_views.reclassify, name="reclassify"),
]
