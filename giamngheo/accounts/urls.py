from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("me/", views.profile, name="profile"),
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("two-factor/setup/", views.otp_enrol, name="otp-enrol"),
    path("two-factor/backup-codes/", views.otp_backup_codes, name="otp-backup-codes"),
    path("reset/<str:uidb64>/<str:token>/", views.password_reset, name="password-reset"),
]
