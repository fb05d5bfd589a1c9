from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "initiatives"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.initiative_list, name="initiative-list"),
    path("new/", views.initiative_create, name="initiative-create"),
    path("<int:pk>/", views.initiative_detail, name="initiative-detail"),
    path("<int:pk>/edit/", views.initiative_update, name="initiative-update"),
    path("<int:pk>/submit/", views.initiative_submit, name="initiative-submit"),
    path("<int:pk>/delete/", views.initiative_delete, name="initiative-delete"),
    path("<int:pk>/evaluate/", views.initiative_evaluate, name="initiative-evaluate"),
    path("files/<int:pk>/", views.initiative_file, name="initiative-file"),
    path("files/<int:pk>/delete/", views.initiative_file_delete, name="initiative-file-delete"),
]
