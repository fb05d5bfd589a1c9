from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("households/<int:pk>/", views.household_policies, name="household-policies"),
    path("<str:code>/", views.policy_detail, name="policy-detail"),
]
