"""P01: scenarios of features/p01_intake.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p01_intake.feature")
