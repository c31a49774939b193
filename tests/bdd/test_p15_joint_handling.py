"""P15: scenarios of features/p15_joint_handling.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p15_joint_handling.feature")
