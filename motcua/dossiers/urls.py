from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/procedures.json", views.counter_procedures, name="counter_procedures"),
    path("counter/procedure.json", views.counter_procedure, name="counter_procedure"),
    path("counter/form02.pdf", views.counter_form02, name="counter_form02"),
    path("my/", views.my_work, name="my_work"),
    path("returns/", views.returns, name="returns"),
    path("files/<str:sha256>", views.file_download, name="file"),
    path("<str:code>/", views.dossier_detail, name="dossier"),
    path("<str:code>/receipt/", views.receipt, name="receipt"),
    path("<str:code>/act/", views.dossier_act, name="act"),
    path("<str:code>/apology/", views.apology, name="apology"),
    path("<str:code>/forms/<str:form>.pdf", views.form_pdf, name="form"),
]
