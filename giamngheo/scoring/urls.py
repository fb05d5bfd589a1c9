from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "scoring"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.set_list, name="set-list"),
    path("new/", views.set_create, name="set-create"),
    path("copy/", views.set_copy, name="set-copy"),
    path("<int:pk>/", views.set_detail, name="set-detail"),
    path("<int:pk>/edit/", views.set_update, name="set-update"),
    path("<int:pk>/open/", views.set_open, name="set-open"),
    path("<int:pk>/close/", views.set_close, name="set-close"),
    path("<int:pk>/refresh/", views.set_refresh, name="set-refresh"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/criteria/new/", views.criterion_create, name="criterion-create"),
    path("criteria/<int:pk>/edit/", views.criterion_update, name="criterion-update"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet-detail"),
    path("sheets/<int:pk>/self/", views.sheet_self, name="sheet-self"),
    path("sheets/<int:pk>/submit/", views.sheet_submit, name="sheet-submit"),
    path("sheets/<int:pk>/council/", views.sheet_council, name="sheet-council"),
    path("sheets/<int:pk>/score/", views.sheet_score, name="sheet-score"),
    path("sheets/<int:pk>/return/", views.sheet_return, name="sheet-return"),
]
