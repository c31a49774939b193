"""P11: scenarios of features/p11_revisit.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p11_revisit.feature")
