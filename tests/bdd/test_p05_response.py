"""P05: scenarios of features/p05_response.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p05_response.feature")
