"""Official tables of the annual review, mounted at /tables/ (docs/official-tables.md)."""

from django.urls import path

from . import table_views

app_name = "tables"

urlpatterns = [
    path("", table_views.index, name="index"),
    path("summary/", table_views.summary, name="summary"),
    path("summary/xlsx/", table_views.summary_xlsx, name="summary-xlsx"),
    path("forms/<slug:form>/", table_views.form, name="form"),
    path("forms/<slug:form>/xlsx/", table_views.form_xlsx, name="form-xlsx"),
    path("<slug:kind>/", table_views.household_list, name="household-list"),
    path("<slug:kind>/xlsx/", table_views.household_list_xlsx, name="household-list-xlsx"),
]
