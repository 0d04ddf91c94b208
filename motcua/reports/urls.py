from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("form-06/", views.form06, name="form06"),
    path("tracking-log/", views.tracking_log, name="tracking_log"),
    path("late/", views.late, name="late"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
