from django.urls import path

from motcua.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("import/", views.catalogue_import_page, name="catalogue_import"),
    path("procedures/<str:code>/", views.procedure_detail, name="procedure"),
    path("documents/<int:pk>/template/", views.document_template, name="document_template"),
    path(
        "documents/<int:pk>/template/upload/",
        views.document_template_upload,
        name="document_template_upload",
    ),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
]
