"""Staff pages of the cases app, mounted at /cases/."""

from django.urls import path

from .views import assignment, banks, calls, case_pages, casepage, compliance, placements

app_name = "cases"
urlpatterns = [
    path("", case_pages.case_list, name="case_list"),
    path("banks/", banks.bank_list, name="bank_list"),
    path("banks/new/", banks.bank_create, name="bank_create"),
    path("banks/<int:pk>/", banks.bank_detail, name="bank_detail"),
    path("banks/<int:pk>/edit/", banks.bank_edit, name="bank_edit"),
    path("banks/<int:pk>/mapping/", banks.bank_mapping_edit, name="bank_mapping"),
    path("banks/<int:pk>/keys/new/", banks.api_key_issue, name="api_key_issue"),
    path("banks/<int:bank_pk>/agreements/new/", banks.agreement_create, name="agreement_create"),
    path("keys/", banks.api_key_list, name="api_keys"),
    path("keys/<int:pk>/revoke/", banks.api_key_revoke, name="api_key_revoke"),
    path("agreements/", banks.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", banks.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", banks.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", banks.agreement_document, name="agreement_document"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/upload/", placements.placement_upload, name="placement_upload"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path(
        "placements/<int:pk>/rejected-rows.<str:file_format>",
        placements.placement_errors_download,
        name="placement_errors_download",
    ),
    path("placements/<int:pk>/original/", placements.placement_original, name="placement_original"),
    # --- assignment
    path("assignment/", assignment.unassigned_list, name="assignment"),
    path("assignment/assign/", assignment.assign, name="assignment_assign"),
    path("assignment/preview/", assignment.distribution_preview, name="assignment_preview"),
    path("assignment/apply/", assignment.distribution_apply, name="assignment_apply"),
    path("assignment/breaches/", assignment.breaches, name="assignment_breaches"),
    path(
        "assignment/collectors/<int:pk>/",
        assignment.collector_cases,
        name="assignment_collector",
    ),
    path("<int:pk>/assignment/", assignment.case_assignment, name="assignment_case"),
    # --- casepage
    path("<int:pk>/", casepage.case_detail, name="case_detail"),
    path("<int:pk>/reveal/", casepage.case_reveal, name="case_reveal"),
    path("<int:pk>/timeline/", casepage.case_timeline_page, name="casepage_timeline"),
    path(
        "<int:pk>/contact-points/",
        casepage.contact_point_create,
        name="casepage_contact_point_add",
    ),
    path(
        "<int:pk>/contact-points/<int:point_pk>/invalid/",
        casepage.contact_point_invalidate,
        name="casepage_contact_point_invalid",
    ),
    path("<int:pk>/classification/", casepage.case_classify, name="casepage_classify"),
    path("<int:pk>/holds/", casepage.case_hold_place, name="casepage_hold_place"),
    path("<int:pk>/holds/<int:hold_pk>/lift/", casepage.case_hold_lift, name="casepage_hold_lift"),
    # --- comptools
    path("compliance/", compliance.compliance_overview, name="compliance"),
    path(
        "compliance/collectors/<int:user_id>/",
        compliance.compliance_collector,
        name="compliance_collector",
    ),
    path("compliance/refusals/", compliance.refusal_list, name="compliance_refusals"),
    path(
        "compliance/refusals/<int:pk>/override/",
        compliance.refusal_override,
        name="compliance_refusal_override",
    ),
    path("compliance/rule-sets/", compliance.rule_set_list, name="compliance_rule_sets"),
    path(
        "compliance/rule-sets/<int:pk>/company/",
        compliance.rule_set_make_company,
        name="compliance_rule_set_company",
    ),
    path(
        "compliance/rule-sets/channels/<int:pk>/edit/",
        compliance.channel_rules_edit,
        name="compliance_channel_rules_edit",
    ),
    path(
        "<int:pk>/compliance/override/",
        compliance.case_override_grant,
        name="compliance_case_override",
    ),
    path(
        "<int:pk>/compliance/violation/",
        compliance.case_violation_confirm,
        name="compliance_violation_confirm",
    ),
    # --- calls
    path("queue/", calls.queue, name="queue"),
    path("<int:pk>/calls/new/", calls.call_log_create, name="call_log"),
    path("<int:pk>/calls/start/", calls.call_start_view, name="call_start"),
    path("calls/<int:pk>/", calls.call_detail, name="call_detail"),
    path("calls/<int:pk>/recording/", calls.call_recording, name="call_recording"),
]
