from django.urls import path

from . import pages, pages_period

app_name = "reporting"
urlpatterns = [
    path("", pages.report_index, name="index"),
    path("results/<int:pk>/", pages.result_detail, name="result"),
    path("view/", pages_period.report_view, name="view"),
    path("teams/<int:pk>/", pages_period.team_detail, name="team"),
    path("collectors/<int:pk>/", pages_period.collector_detail, name="collector"),
    path("runs/", pages.run_list_page, name="runs"),
    path("runs/start/", pages.run_start, name="run_start"),
    path("runs/<int:pk>/again/", pages.run_again, name="run_again"),
    path("schedules/", pages.schedule_list_page, name="schedules"),
    path("schedules/<int:pk>/edit/", pages.schedule_edit, name="schedule_edit"),
]
