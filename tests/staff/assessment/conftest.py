import pytest

from staff import roles
from staff.assessment.services import round_compute
from staff.models import AssessmentRound
from tests.factories import BranchFactory, hq_branch, make_staff

from . import figures as fake_figures


@pytest.fixture(autouse=True)
def fake_figures_function(settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = "tests.staff.assessment.figures.figures"
    fake_figures.FIGURES.clear()
    fake_figures.CALLS.clear()
    yield fake_figures.FIGURES


@pytest.fixture
def hq_hr(db):
    return make_staff(roles.HR, branch=hq_branch(), username="hq-hr")


@pytest.fixture
def branch_one(db):
    return BranchFactory(code="ONE", name="Branch one")


@pytest.fixture
def branch_two(db):
    return BranchFactory(code="TWO", name="Branch two")


def compute(round_):
    """Runs the computation the task would run (synchronously)."""
    AssessmentRound.objects.filter(pk=round_.pk).update(run_status=AssessmentRound.RunStatus.QUEUED)
    return round_compute(round_id=round_.pk)
