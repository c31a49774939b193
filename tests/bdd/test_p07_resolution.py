"""P07: scenarios of features/p07_resolution.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p07_resolution.feature")
