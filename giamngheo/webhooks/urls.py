from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.subscription_list, name="subscription-list"),
    path("new/", views.subscription_create, name="subscription-create"),
    path("<int:pk>/", views.subscription_detail, name="subscription-detail"),
    path("<int:pk>/edit/", views.subscription_update, name="subscription-update"),
    path("<int:pk>/pause/", views.subscription_pause, name="subscription-pause"),
    path("<int:pk>/secret/", views.subscription_secret, name="subscription-secret"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery-detail"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery-resend"),
]
