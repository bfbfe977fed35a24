from django.urls import path

from . import views

# Included under /staff/recruitment/ in the staff namespace (names start with "recruitment_").
urlpatterns = [
    path("", views.vacancy_list, name="recruitment_vacancies"),
    path("new/", views.vacancy_create, name="recruitment_vacancy_create"),
    path("interviews/", views.my_interviews, name="recruitment_my_interviews"),
    path("<int:pk>/", views.vacancy_detail, name="recruitment_vacancy"),
    path("<int:pk>/candidates/new/", views.candidate_create, name="recruitment_candidate_create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="recruitment_candidate"),
    path("candidates/<int:pk>/reveal/", views.candidate_reveal, name="recruitment_reveal"),
    path("candidates/<int:pk>/cv/", views.candidate_cv, name="recruitment_cv"),
    path("candidates/<int:pk>/step/", views.candidate_step, name="recruitment_step"),
    path(
        "candidates/<int:pk>/interviews/",
        views.interview_schedule,
        name="recruitment_interview_schedule",
    ),
    path(
        "candidates/<int:pk>/interviews/<int:interview_pk>/",
        views.interview_score,
        name="recruitment_interview_score",
    ),
    path("candidates/<int:pk>/hire/", views.candidate_hire, name="recruitment_hire"),
]
