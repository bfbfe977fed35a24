from django.urls import path

from . import views
from .assessment.urls import urlpatterns as assessment_urlpatterns

app_name = "staff"
urlpatterns = [
    path("", views.staff_directory, name="directory"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("notifications/", views.notification_centre, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notifications_read_all",
    ),
    *assessment_urlpatterns,
]
