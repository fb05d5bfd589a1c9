from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "vocation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.course_list, name="course-list"),
    path("courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_update, name="course-update"),
    path("courses/<int:pk>/delete/", views.course_delete, name="course-delete"),
    path("courses/<int:pk>/enrol/", views.enrol_member, name="enrol-member"),
    path("courses/<int:pk>/enrol-other/", views.enrol_other, name="enrol-other"),
    path("trainees/", views.trainee_list, name="trainee-list"),
    path("trainees/<int:pk>/", views.trainee_outcome, name="trainee-outcome"),
    path("trainees/<int:pk>/remove/", views.trainee_remove, name="trainee-remove"),
    path("rates/", views.rates, name="rates"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.session_update, name="session-update"),
    path("sessions/<int:pk>/place/", views.placement_add, name="placement-add"),
    path("placements/<int:pk>/remove/", views.placement_remove, name="placement-remove"),
]
