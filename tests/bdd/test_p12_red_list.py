"""P12: scenarios of features/p12_red_list.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p12_red_list.feature")
