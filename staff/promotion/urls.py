from django.urls import path

from . import views, views_hr

app_name = "promotion"
urlpatterns = [
    path("", views.my_promotion, name="mine"),
    path("cycles/<int:cycle_pk>/apply/", views.application_new, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/department-review/",
        views.department_review,
        name="department_review",
    ),
    path("applications/<int:pk>/hr-review/", views.hr_review, name="hr_review"),
    path("applications/<int:pk>/vote/", views.vote, name="vote"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/evidence/", views.resubmit, name="resubmit"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("queue/", views.review_queue, name="queue"),
    path("notices/", views.notice_board, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("cycles/", views_hr.cycles, name="cycles"),
    path("cycles/<int:pk>/close/", views_hr.cycle_close, name="cycle_close"),
    path("criteria/", views_hr.criteria, name="criteria"),
    path("ladder/", views_hr.ladder, name="ladder"),
    path("ladder/<int:pk>/correct/", views_hr.level_correct, name="level_correct"),
    path("complaints/", views_hr.complaints, name="complaints"),
    path("targets/", views_hr.targets, name="targets"),
]
