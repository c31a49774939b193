"""P10: scenarios of features/p10_resupervision.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p10_resupervision.feature")
