from django.urls import path

from . import document_views, views

app_name = "reviews"

urlpatterns = [
    # Periodic review: rounds (the province).
    path("", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/standard/", views.round_standard, name="round-standard"),
    # A commune's review (CommuneReview id).
    path("communes/<int:pk>/", views.commune_review, name="commune-review"),
    path("communes/<int:pk>/step/", views.step_action, name="step-action"),
    path("communes/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("communes/<int:pk>/requests/add/", views.request_add, name="request-add"),
    path("communes/<int:pk>/villages/<int:village>/meeting/", views.village_meeting, name="village-meeting"),
    path("communes/<int:pk>/complaints/new/", views.complaint_add, name="complaint-add"),
    path("communes/<int:pk>/certificates.docx", document_views.certificates_all, name="certificates-all"),
    # One household's assessment (Assessment id).
    path("assessments/<int:pk>/screening/", views.screening, name="screening"),
    path("assessments/<int:pk>/survey/", views.survey, name="survey"),
    path("assessments/<int:pk>/meeting/", views.meeting, name="meeting"),
    path("assessments/<int:pk>/certificate.docx", document_views.certificate, name="certificate"),
    # Complaints (Complaint id).
    path("complaints/<int:pk>/resolve/", views.complaint_resolve, name="complaint-resolve"),
    # Regular (in-year) review.
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request-decide"),
    # Documents to sign (helper "docs"): a village meeting's minutes, the commune's recognition decision.
    path(
        "communes/<int:pk>/meetings/<int:meeting>/minutes.docx",
        document_views.meeting_minutes,
        name="meeting-minutes",
    ),
    path("communes/<int:pk>/decision.docx", document_views.decision_docx, name="decision-docx"),
]
