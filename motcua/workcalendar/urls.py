from django.urls import path

from motcua.workcalendar import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.year, name="year"),
    path("<int:year>/", views.year, name="year_of"),
]
