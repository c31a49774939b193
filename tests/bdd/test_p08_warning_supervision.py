"""P08: scenarios of features/p08_warning_supervision.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p08_warning_supervision.feature")
