from django.urls import include, path

from . import views, views_approvals
from .assessment.urls import urlpatterns as assessment_urlpatterns
from .attendance import urls as attendance_urls

app_name = "staff"
urlpatterns = [
    path("", views.staff_directory, name="directory"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("notifications/", views.notification_centre, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("approvals/", views_approvals.approval_list, name="approvals"),
    path(
        "approvals/<int:pk>/decide/",
        views_approvals.approval_decide_view,
        name="approval_decide",
    ),
    path(
        "approvals/<int:pk>/withdraw/",
        views_approvals.approval_withdraw_view,
        name="approval_withdraw",
    ),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notifications_read_all",
    ),
    *assessment_urlpatterns,
    # issue 12: training, recruitment, turnover early warning and succession
    path("training/", include("staff.training.urls")),
    path("recruitment/", include("staff.recruitment.urls")),
    path("succession/", include("staff.succession.urls")),
]
# Attendance, leave and overtime (issue 12).
urlpatterns += attendance_urls.urlpatterns
