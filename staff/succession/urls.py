from django.urls import path

from . import views

# Included under /staff/succession/ in the staff namespace (names start with "succession_").
urlpatterns = [
    path("early-warning/", views.early_warning, name="succession_early_warning"),
    path("thresholds/", views.thresholds, name="succession_thresholds"),
    path("posts/", views.key_post_list, name="succession_posts"),
    path("posts/<int:pk>/", views.key_post_detail, name="succession_post"),
    path("successors/<int:pk>/remove/", views.successor_remove, name="succession_successor_remove"),
    path("handovers/", views.handover_list, name="succession_handovers"),
    path("handovers/<int:pk>/", views.handover_detail, name="succession_handover"),
    path(
        "handovers/<int:pk>/items/<int:item_pk>/confirm/",
        views.handover_confirm,
        name="succession_handover_confirm",
    ),
]
