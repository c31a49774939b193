"""P09: scenarios of features/p09_rating.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p09_rating.feature")
