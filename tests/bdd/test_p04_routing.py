"""P04: scenarios of features/p04_routing.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p04_routing.feature")
