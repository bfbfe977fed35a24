from tests.cases.workflow.comptools.conftest import (  # noqa: F401 - autouse fixture
    _shipped_outcomes_and_rule_sets,
)
from tests.staff.promotion.conftest import _shipped_criteria  # noqa: F401 - autouse fixture
