from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "training"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("officers/", views.officer_list, name="officer-list"),
    path("officers/new/", views.officer_create, name="officer-create"),
    path("officers/<int:pk>/", views.officer_update, name="officer-update"),
    path("officers/<int:pk>/delete/", views.officer_delete, name="officer-delete"),
    path("courses/", views.course_list, name="course-list"),
    path("courses/new/", views.course_create, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_update, name="course-update"),
    path("courses/<int:pk>/delete/", views.course_delete, name="course-delete"),
    path("courses/<int:pk>/attendance/", views.attendance_add, name="attendance-add"),
    path("attendance/<int:pk>/", views.attendance_update, name="attendance-update"),
    path("attendance/<int:pk>/delete/", views.attendance_delete, name="attendance-delete"),
    path("shares/", views.shares, name="shares"),
    path("untrained/", views.untrained, name="untrained"),
]
