"""Routes of attendance, leave and overtime (included in staff/urls.py: `staff:…`)."""

from django.urls import path

from . import views_attendance as attendance
from . import views_leave as leave

urlpatterns = [
    path("attendance/", attendance.attendance_home, name="attendance"),
    path("attendance/clock-in/", attendance.attendance_clock_in, name="attendance_clock_in"),
    path("attendance/clock-out/", attendance.attendance_clock_out, name="attendance_clock_out"),
    path("attendance/team/", attendance.attendance_team, name="attendance_team"),
    path(
        "attendance/<int:user_id>/<int:year>/<int:month>/",
        attendance.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "attendance/<int:user_id>/<int:year>/<int:month>/sign/",
        attendance.attendance_sheet_confirm,
        name="attendance_sheet_confirm",
    ),
    path(
        "attendance/<int:user_id>/<int:year>/<int:month>/lock/",
        attendance.attendance_sheet_lock,
        name="attendance_sheet_lock",
    ),
    path(
        "attendance/records/<int:pk>/correct/",
        attendance.attendance_correct,
        name="attendance_correct",
    ),
    path("leave/", leave.leave_home, name="leave"),
    path("leave/new/", leave.leave_apply, name="leave_apply"),
    path("leave/away/", leave.leave_calendar, name="leave_calendar"),
    path("leave/<int:pk>/", leave.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/withdraw/", leave.leave_cancel, name="leave_cancel"),
    path("leave/<int:pk>/return/", leave.leave_return, name="leave_return"),
    path("overtime/", leave.overtime_home, name="overtime"),
    path("overtime/new/", leave.overtime_apply, name="overtime_apply"),
    path("overtime/totals/", leave.overtime_totals, name="overtime_totals"),
    path("overtime/<int:pk>/", leave.overtime_detail, name="overtime_detail"),
    path("overtime/<int:pk>/record/", leave.overtime_record, name="overtime_record"),
    path("overtime/<int:pk>/confirm/", leave.overtime_confirm, name="overtime_confirm"),
    path("overtime/<int:pk>/withdraw/", leave.overtime_cancel, name="overtime_cancel"),
]
