from django.urls import path

from motcua.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("new/", views.commitment_new, name="new"),
    path("standing/", views.commitment_standing, name="standing"),
    path("<str:commitment_id>/", views.commitment_detail, name="commitment"),
    path("<str:commitment_id>/act/", views.commitment_act, name="act"),
    path("<str:commitment_id>/targets/", views.commitment_targets, name="targets"),
]
