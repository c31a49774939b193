"""P14: scenarios of features/p14_extension.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p14_extension.feature")
