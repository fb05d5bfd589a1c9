from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("", views.commune_list, name="commune-list"),
    path("<int:pk>/", views.area_detail, name="area-detail"),
    path("<int:pk>/villages/new/", views.village_create, name="village-create"),
    path("villages/<int:pk>/edit/", views.village_update, name="village-update"),
    path("villages/import/", views.village_import, name="village-import"),
    path("<int:pk>/difficulty/", views.difficulty_add, name="difficulty-add"),
    path("difficulty/<int:pk>/delete/", views.difficulty_delete, name="difficulty-delete"),
    path("<int:pk>/urban/", views.urban_override, name="urban-override"),
]

# Commune boundaries (the dashboard's map): geo/boundary_views.py
from . import boundary_views  # noqa: E402

urlpatterns += [
    path("boundaries/", boundary_views.boundaries_upload, name="boundaries-upload"),
    path("<int:pk>/boundaries.geojson", boundary_views.boundaries_geojson, name="boundaries-geojson"),
]
