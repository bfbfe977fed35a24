"""Routes of the assessment pages (under /staff/assessments/, in the staff namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("assessments/", views.assessment_home, name="assessments"),
    path(
        "assessments/templates/new/",
        views.assessment_template_create,
        name="assessment_template_create",
    ),
    path(
        "assessments/templates/<int:pk>/",
        views.assessment_template,
        name="assessment_template",
    ),
    path(
        "assessments/templates/<int:pk>/rounds/new/",
        views.assessment_round_create,
        name="assessment_round_create",
    ),
    path("assessments/rounds/<int:pk>/", views.assessment_round, name="assessment_round"),
    path(
        "assessments/rounds/<int:pk>/run/",
        views.assessment_round_run,
        name="assessment_round_run",
    ),
    path(
        "assessments/rounds/<int:pk>/finalise/",
        views.assessment_round_finalise,
        name="assessment_round_finalise",
    ),
    path(
        "assessments/rounds/<int:pk>/export.<str:file_format>",
        views.assessment_round_export,
        name="assessment_round_export",
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/people/<int:user_id>/",
        views.assessment_person,
        name="assessment_person",
    ),
]
