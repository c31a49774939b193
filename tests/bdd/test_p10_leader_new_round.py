"""P10: scenarios of features/p10_leader_new_round.feature (steps in tests/bdd/)."""
from pytest_bdd import scenarios

scenarios("p10_leader_new_round.feature")
