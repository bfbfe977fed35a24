"""Bank REST API v1 routes (built by the case-intake issue)."""

urlpatterns: list = []
