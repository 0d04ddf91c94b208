"""URL configuration: pages, the API under /api/v1/, the admin, language switching."""

from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api

urlpatterns = [
    path("", include("motcua.shell.urls")),
    path("org/", include("motcua.org.urls")),
    path("calendar/", include("motcua.workcalendar.urls")),
    path("catalogue/", include("motcua.procedures.urls")),
    path("dossiers/", include("motcua.dossiers.urls")),
    path("tasks/", include("motcua.tasks.urls")),
    path("commitments/", include("motcua.commitments.urls")),
    path("portal/", include("motcua.portal.urls")),
    path("reports/", include("motcua.reports.urls")),
    path("inspections/misconduct/", include("motcua.inspections.misconduct_urls")),
    path("inspections/", include("motcua.inspections.urls")),
    path("legal/", include("motcua.legaldocs.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
