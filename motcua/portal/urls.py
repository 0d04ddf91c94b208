from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("procedures/<str:code>/", views.procedure_detail, name="procedure"),
    path("forms/<int:pk>/", views.document_template, name="document_template"),
]
