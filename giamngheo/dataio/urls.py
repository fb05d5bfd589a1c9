from django.urls import path

from . import fund_views, round_whatif_views, support_views, training_views, user_views, views, village_views

app_name = "dataio"

urlpatterns = [
    path("import/", views.import_start, name="import-start"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import-mapping"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/run/", views.import_run, name="import-run"),
    path("template.xlsx", views.template_download, name="template"),
    path("xlsform.xlsx", views.xlsform_download, name="xlsform"),
    path("support/", support_views.support_import, name="support-import"),
    path("support/<int:pk>/", support_views.support_import_detail, name="support-import-detail"),
    path("support/<int:pk>/run/", support_views.support_import_run, name="support-import-run"),
    path("rounds/<int:pk>/whatif/", round_whatif_views.round_whatif_page, name="round-whatif"),
    path("support/template.xlsx", support_views.support_template, name="support-template"),
    path("villages/", village_views.village_import, name="village-import"),
    path("villages/<int:pk>/", village_views.village_import_detail, name="village-import-detail"),
    path("villages/<int:pk>/run/", village_views.village_import_run, name="village-import-run"),
    path("villages/template.xlsx", village_views.village_template, name="village-template"),
    path("training/<int:pk>/", training_views.training_import, name="training-import"),
    path("training/jobs/<int:pk>/", training_views.training_import_detail, name="training-import-detail"),
    path("training/jobs/<int:pk>/run/", training_views.training_import_run, name="training-import-run"),
    path("training/<int:pk>/template.xlsx", training_views.training_template, name="training-template"),
    path("fund/<int:pk>/", fund_views.fund_import, name="fund-import"),
    path("fund/jobs/<int:pk>/", fund_views.fund_import_detail, name="fund-import-detail"),
    path("fund/jobs/<int:pk>/run/", fund_views.fund_import_run, name="fund-import-run"),
    path("fund/<int:pk>/template.xlsx", fund_views.fund_template, name="fund-template"),
    path("users/", user_views.user_import, name="user-import"),
    path("users/import/", user_views.user_import_apply, name="user-import-apply"),
    path("users/result.xlsx", user_views.user_import_result, name="user-import-result"),
    path("users/template.xlsx", user_views.user_import_template, name="user-import-template"),
]
