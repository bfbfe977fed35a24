from django.urls import path

from . import views

# Included under /staff/training/ in the staff namespace (names start with "training_").
urlpatterns = [
    path("", views.plan_list, name="training_plans"),
    path("new/", views.plan_create, name="training_plan_create"),
    path("mine/", views.my_training, name="training_mine"),
    path("needs/", views.need_list, name="training_needs"),
    path("<int:pk>/", views.plan_detail, name="training_plan"),
    path("<int:pk>/edit/", views.plan_edit, name="training_plan_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="training_plan_submit"),
    path("<int:pk>/complete/", views.plan_complete, name="training_plan_complete"),
    path("<int:pk>/enrol/", views.plan_enrol, name="training_plan_enrol"),
    path("<int:pk>/sessions/", views.session_add, name="training_session_add"),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/",
        views.attendance_record,
        name="training_attendance",
    ),
    path(
        "<int:pk>/records/<int:enrolment_pk>/result/",
        views.result_record,
        name="training_result",
    ),
    path(
        "<int:pk>/records/<int:enrolment_pk>/rating/",
        views.work_change_rate,
        name="training_rating",
    ),
]
