"""P18: scenarios of features/p18_insight.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p18_insight.feature")
