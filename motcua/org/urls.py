from django.urls import path

from motcua.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("people/", views.officials, name="officials"),
    path("people/<str:username>/", views.official_detail, name="official"),
]
