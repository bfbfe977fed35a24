from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from reporting import views as reporting_views

from . import views
from .api import SchemaView

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/language/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("cases/", include("cases.urls")),
    path("frontdesk/", include("frontdesk.urls")),
    path("reports/", include("reporting.urls")),
    path("api/v1/", include("cases.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", reporting_views.dashboard, name="dashboard"),
]

handler400 = "collections_office.views.error_400"
handler403 = "collections_office.views.error_403"
handler404 = "collections_office.views.error_404"
handler500 = "collections_office.views.error_500"
