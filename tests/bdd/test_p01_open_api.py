"""P01: scenarios of features/p01_open_api.feature (steps in tests/bdd/steps_open311.py)."""
from pytest_bdd import scenarios

scenarios("p01_open_api.feature")
