from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from reporting import views as reporting_views
from staff import views as staff_views

from . import views
from .api import SchemaView

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Sign-in, password reset and change, two-factor sign-in (Django's URL names).
    path("accounts/", include("staff.account_urls")),
    path("i18n/language/", staff_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("promotion/", include("staff.promotion.urls")),
    path("cases/", include("cases.urls")),
    path("frontdesk/", include("frontdesk.urls")),
    path("reports/", include("reporting.urls")),
    path("api/v1/", include("cases.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("dashboard/panels/<slug:key>/", reporting_views.dashboard_panel, name="dashboard_panel"),
    path("", reporting_views.dashboard, name="dashboard"),
]

handler400 = "collections_office.views.error_400"
handler403 = "collections_office.views.error_403"
handler404 = "collections_office.views.error_404"
handler500 = "collections_office.views.error_500"
