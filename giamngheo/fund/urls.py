from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "fund"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_update, name="campaign-update"),
    path("<int:pk>/donations/", views.donation_list, name="donation-list"),
    path("<int:pk>/donations/new/", views.donation_create, name="donation-create"),
    path("donations/<int:pk>/receipt/", views.donation_receipt, name="donation-receipt"),
    path("<int:pk>/disbursements/", views.disbursement_list, name="disbursement-list"),
    path("<int:pk>/disbursements/new/", views.disbursement_create, name="disbursement-create"),
    path("disbursements/<int:pk>/decision/", views.disbursement_file, name="disbursement-file"),
    path("<int:pk>/public/", views.public, name="public"),
]
