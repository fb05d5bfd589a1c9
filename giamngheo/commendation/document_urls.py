"""The commendation documents' URLs (names ``doc-…``), added to the app's ``urlpatterns`` (namespace
``commendation``) by ``urls.py``: ``urlpatterns += document_urls.urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import document_views

urlpatterns: list[URLPattern] = [
    path("documents/", document_views.index, name="doc-index"),
    path("documents/<int:year>/submission.docx", document_views.submission_docx, name="doc-submission"),
    path("documents/meetings/<int:pk>/minutes.docx", document_views.minutes_docx, name="doc-minutes"),
    path("documents/proposals/<int:pk>/report.docx", document_views.report_docx, name="doc-report"),
    path(
        "documents/decisions/<int:pk>/certificates.docx",
        document_views.certificates_docx,
        name="doc-certificates",
    ),
    path("statistics/", document_views.statistics_page, name="doc-statistics"),
]
