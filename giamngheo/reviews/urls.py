from django.urls import path

from . import assessment_views, commune_views, document_views, request_views, round_views

app_name = "reviews"

urlpatterns = [
    # Periodic review: rounds (the province).
    path("", round_views.round_list, name="round-list"),
    path("rounds/new/", round_views.round_create, name="round-create"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/close/", round_views.round_close, name="round-close"),
    path("rounds/<int:pk>/standard/", round_views.round_standard, name="round-standard"),
    # A commune's review (CommuneReview id).
    path("communes/<int:pk>/", commune_views.commune_review, name="commune-review"),
    path("communes/<int:pk>/step/", commune_views.step_action, name="step-action"),
    path("communes/<int:pk>/reopen/", commune_views.reopen, name="reopen"),
    path("communes/<int:pk>/requests/add/", commune_views.request_add, name="request-add"),
    path(
        "communes/<int:pk>/villages/<int:village>/meeting/",
        assessment_views.village_meeting,
        name="village-meeting",
    ),
    path("communes/<int:pk>/complaints/new/", request_views.complaint_add, name="complaint-add"),
    path("communes/<int:pk>/certificates.docx", document_views.certificates_all, name="certificates-all"),
    # One household's assessment (Assessment id).
    path("assessments/<int:pk>/screening/", assessment_views.screening, name="screening"),
    path("assessments/<int:pk>/survey/", assessment_views.survey, name="survey"),
    path("assessments/<int:pk>/meeting/", assessment_views.meeting, name="meeting"),
    path("assessments/<int:pk>/certificate.docx", document_views.certificate, name="certificate"),
    # Complaints (Complaint id).
    path("complaints/<int:pk>/resolve/", request_views.complaint_resolve, name="complaint-resolve"),
    # Regular (in-year) review.
    path("requests/", request_views.request_list, name="request-list"),
    path("requests/new/", request_views.request_create, name="request-create"),
    path("requests/<int:pk>/decide/", request_views.request_decide, name="request-decide"),
    # Documents to sign (helper "docs"): a village meeting's minutes, the commune's recognition decision.
    path(
        "communes/<int:pk>/meetings/<int:meeting>/minutes.docx",
        document_views.meeting_minutes,
        name="meeting-minutes",
    ),
    path("communes/<int:pk>/decision.docx", document_views.decision_docx, name="decision-docx"),
]
