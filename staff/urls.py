from django.urls import path

from . import views, views_approvals

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
]
