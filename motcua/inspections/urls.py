from django.urls import path

from motcua.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("<int:inspection_id>/findings/", views.finding_record, name="finding"),
    path("<int:inspection_id>/recommendations/", views.recommendation_give, name="recommend"),
    path("<int:inspection_id>/report/", views.report_issue, name="report"),
    path("<int:inspection_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path(
        "recommendations/<int:recommendation_id>/verify/",
        views.recommendation_verify,
        name="verify",
    ),
]
