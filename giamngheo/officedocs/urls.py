from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "officedocs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.document_list, name="document-list"),
    path("new/", views.document_create, name="document-create"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/edit/", views.document_update, name="document-update"),
    path("<int:pk>/redraft/", views.document_redraft, name="document-redraft"),
    path("<int:pk>/issue/", views.document_issue, name="document-issue"),
    path("<int:pk>/reopen/", views.document_reopen, name="document-reopen"),
    path("<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/tables/", views.document_preview, name="document-preview"),
    path("<int:pk>/docx/", views.document_docx, name="document-docx"),
    path("<int:pk>/xlsx/", views.document_xlsx, name="document-xlsx"),
]
