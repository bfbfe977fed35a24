"""Staff pages of the cases app, mounted at /cases/."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("banks/", views.bank_list, name="bank_list"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path("banks/<int:pk>/", views.bank_detail, name="bank_detail"),
    path("banks/<int:pk>/edit/", views.bank_edit, name="bank_edit"),
    path("banks/<int:pk>/mapping/", views.bank_mapping_edit, name="bank_mapping"),
    path("banks/<int:pk>/keys/new/", views.api_key_issue, name="api_key_issue"),
    path("banks/<int:bank_pk>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("keys/", views.api_key_list, name="api_keys"),
    path("keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/upload/", views.placement_upload, name="placement_upload"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path(
        "placements/<int:pk>/rejected-rows.<str:file_format>",
        views.placement_errors_download,
        name="placement_errors_download",
    ),
    path("placements/<int:pk>/original/", views.placement_original, name="placement_original"),
]
