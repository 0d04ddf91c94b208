from django.urls import path

from motcua.legaldocs import views

app_name = "legal"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.document_new, name="new"),
    path("import/", views.import_page, name="import"),
    path("expired/", views.expired, name="expired"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<str:review_id>/", views.review_detail, name="review"),
    path("reviews/<str:review_id>/outcomes/", views.outcome_record, name="outcome_record"),
    path("reviews/<str:review_id>/approve/", views.review_approve, name="review_approve"),
    path("<str:document_id>/", views.document_detail, name="document"),
    path("<str:document_id>/file/", views.document_file, name="document_file"),
    path("<str:document_id>/upload/", views.document_upload, name="document_upload"),
    path("<str:document_id>/relations/", views.relation_add, name="relation_add"),
]
