from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_directory, name="directory"),
    path("<int:pk>/", views.staff_detail, name="detail"),
]
