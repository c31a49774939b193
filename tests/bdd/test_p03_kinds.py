"""P03: scenarios of features/p03_kinds.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p03_kinds.feature")
