from django.urls import path

from motcua.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("new/", views.task_new, name="new"),
    path("broadcast/new/", views.broadcast_new, name="broadcast_new"),
    path("broadcast/<str:broadcast_id>/", views.broadcast_detail, name="broadcast"),
    path("timeline/", views.timeline, name="timeline"),
    path("<str:task_id>/", views.task_detail, name="task"),
    path("<str:task_id>/act/", views.task_act, name="act"),
]
