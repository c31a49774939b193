"""P18: scenarios of features/p18_common_problems.feature (steps in tests/bdd/steps_signals.py)."""
from pytest_bdd import scenarios

from tests.bdd.steps_signals import *  # noqa: F401,F403

scenarios("p18_common_problems.feature")
