from django.urls import URLPattern, URLResolver, path

from . import document_urls, views

app_name = "commendation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("titles/", views.title_list, name="title-list"),
    path("titles/<int:pk>/", views.title_detail, name="title-detail"),
    path("titles/<int:pk>/new-version/", views.title_version, name="title-version"),
    path("base-salary/new/", views.salary_create, name="salary-create"),
    path("ratings/", views.rating_list, name="rating-list"),
    path("ratings/unit/<int:pk>/", views.rating_unit, name="rating-unit"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/new/", views.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", views.proposal_update, name="proposal-update"),
    path("proposals/<int:pk>/send/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/return/", views.proposal_return, name="proposal-return"),
    path("proposals/<int:pk>/delete/", views.proposal_delete, name="proposal-delete"),
    path("proposals/<int:pk>/files/", views.proposal_file_add, name="proposal-file-add"),
    path("proposal-files/<int:pk>/", views.proposal_file, name="proposal-file"),
    path("proposal-files/<int:pk>/delete/", views.proposal_file_delete, name="proposal-file-delete"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/new/", views.decision_create, name="decision-create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("fund/", views.ledger, name="ledger"),
    path("fund/income/", views.ledger_income, name="ledger-income"),
    path("awards/<int:pk>/pay/", views.award_pay, name="award-pay"),
    path("register/", views.award_list, name="award-list"),
    path("register/staff/<int:pk>/", views.register_staff, name="register-staff"),
    path("register/units/<int:pk>/", views.register_unit, name="register-unit"),
    path("register/households/<int:pk>/", views.register_household, name="register-household"),
    # documents (H7)
]
urlpatterns += document_urls.urlpatterns
