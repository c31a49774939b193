"""P10: scenarios of features/p10_resupervision.feature (steps in tests/bdd/conftest.py, and those
of what a task shows of earlier rounds in tests/bdd/steps_context.py)."""
from pytest_bdd import scenarios

from tests.bdd.steps_context import *  # noqa: F401,F403

scenarios("p10_resupervision.feature")
