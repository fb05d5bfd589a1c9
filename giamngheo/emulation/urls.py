from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "emulation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("movements/new/", views.movement_create, name="movement-create"),
    path("movements/<int:pk>/", views.movement_detail, name="movement-detail"),
    path("movements/<int:pk>/edit/", views.movement_update, name="movement-update"),
    path("movements/<int:pk>/plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_update, name="plan-update"),
    path("plans/<int:pk>/register/", views.registration_create, name="registration-create"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/edit/", views.registration_update, name="registration-update"),
    path("registrations/<int:pk>/lines/new/", views.line_add, name="line-add"),
    path("registrations/<int:pk>/send/", views.registration_send, name="registration-send"),
    path("registrations/<int:pk>/approve/", views.registration_approve, name="registration-approve"),
    path("registrations/<int:pk>/return/", views.registration_return, name="registration-return"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line-delete"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:pk>/edit/", views.task_update, name="task-update"),
    path("tasks/<int:pk>/issue/", views.task_issue, name="task-issue"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task-cancel"),
]
