from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("procedures/<str:code>/", views.procedure_detail, name="procedure"),
    path("forms/<int:pk>/", views.document_template, name="document_template"),
    # the QR code printed on Form 01 points here (dossiers/printing.py, LOOKUP_PATH)
    path("lookup/", views.lookup, name="lookup"),
    path("dossiers/<str:code>/", views.dossier_timeline, name="dossier"),
    path("dossiers/<str:code>/supplement/", views.dossier_supplement, name="supplement"),
    path("dossiers/<str:code>/payment/", views.dossier_payment, name="payment"),
    path("dossiers/<str:code>/rating/", views.dossier_rating, name="rating"),
    path("report/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report_sent"),
    path("report/follow/", views.report_follow, name="report_follow"),
    path("submit/<str:code>/", views.submit, name="submit"),
]
