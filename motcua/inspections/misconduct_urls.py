from django.urls import path

from motcua.inspections import misconduct_views as views

app_name = "misconduct"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<str:report_id>/", views.report_detail, name="detail"),
    path("<str:report_id>/assign/", views.report_assign, name="assign"),
    path("<str:report_id>/close/", views.report_close, name="close"),
]
