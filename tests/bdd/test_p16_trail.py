"""P16: scenarios of features/p16_trail.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p16_trail.feature")
