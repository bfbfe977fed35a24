from django.urls import path

from . import views

app_name = "frontdesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.my_items, name="my_items"),
    path("visitors/", views.visit_list, name="visit_list"),
    path("visitors/new/", views.visit_register, name="visit_register"),
    path("visitors/expected/new/", views.visit_preregister, name="visit_preregister"),
    path("visitors/in-building/", views.in_building, name="in_building"),
    path("visitors/in-building/live/", views.in_building_live, name="in_building_live"),
    path("visitors/lookup/", views.visitor_lookup, name="visitor_lookup"),
    path("visitors/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visitors/<int:pk>/id-number/", views.visit_reveal_id, name="visit_reveal_id"),
    path("visitors/<int:pk>/arrive/", views.visit_arrive, name="visit_arrive"),
    path("visitors/<int:pk>/check-out/", views.visit_check_out, name="visit_check_out"),
    path("visitors/<int:pk>/correct/", views.visit_correct, name="visit_correct"),
    path("visitors/<int:pk>/void/", views.visit_void, name="visit_void"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/new/", views.message_take, name="message_take"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/handled/", views.message_handle, name="message_handle"),
    path("messages/<int:pk>/correct/", views.message_correct, name="message_correct"),
    path("messages/<int:pk>/void/", views.message_void, name="message_void"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_register, name="document_register"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/route/", views.document_route, name="document_route"),
    path("documents/<int:pk>/steps/<int:step_pk>/sign/", views.step_sign, name="step_sign"),
    path("documents/<int:pk>/records/", views.document_record, name="document_record"),
    path("documents/<int:pk>/attachments/", views.document_attach, name="document_attach"),
    path(
        "documents/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "documents/<int:pk>/attachments/<int:attachment_pk>/void/",
        views.attachment_void,
        name="attachment_void",
    ),
    path("documents/<int:pk>/correct/", views.document_correct, name="document_correct"),
    path("documents/<int:pk>/close/", views.document_close, name="document_close"),
    path("documents/<int:pk>/void/", views.document_void, name="document_void"),
]
