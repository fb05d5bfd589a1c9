from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/edit/", views.user_update, name="user-update"),
    path("users/<int:pk>/two-factor-reset/", views.user_otp_reset, name="user-otp-reset"),
    path("users/<int:pk>/password-link/", views.user_password_link, name="user-password-link"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit-detail"),
    path("audit/exports/", views.export_log, name="export-log"),
    path("audit/signin-failures/", views.signin_failures, name="signin-failures"),
]
