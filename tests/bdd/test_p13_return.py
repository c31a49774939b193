"""P13: scenarios of features/p13_return.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p13_return.feature")
