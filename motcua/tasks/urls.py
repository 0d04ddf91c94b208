from django.urls import path

from motcua.tasks import plan_views, views

app_name = "tasks"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("new/", views.task_new, name="new"),
    path("broadcast/new/", views.broadcast_new, name="broadcast_new"),
    path("broadcast/<str:broadcast_id>/", views.broadcast_detail, name="broadcast"),
    path("timeline/", views.timeline, name="timeline"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<str:plan_id>/", plan_views.plan_detail, name="plan"),
    path("plans/<str:plan_id>/items/", plan_views.plan_add_item, name="plan_add_item"),
    path("<str:task_id>/", views.task_detail, name="task"),
    path("<str:task_id>/act/", views.task_act, name="act"),
]
