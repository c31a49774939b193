"""P02: scenarios of features/p02_identification.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p02_identification.feature")
