"""Bank REST API v1 routes, mounted at /api/v1/ (DESIGN §7)."""

from rest_framework.routers import SimpleRouter

from .api.repayments import RepaymentFileViewSet
from .api.statements import StatementViewSet
from .api.views import CaseViewSet, PlacementViewSet

app_name = "bank_api"

router = SimpleRouter()
router.register("placements", PlacementViewSet, basename="placement")
router.register("cases", CaseViewSet, basename="case")
router.register("repayments", RepaymentFileViewSet, basename="repayment")
router.register("statements", StatementViewSet, basename="statement")

urlpatterns = router.urls
