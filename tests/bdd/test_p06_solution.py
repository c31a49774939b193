"""P06: scenarios of features/p06_solution.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p06_solution.feature")
