"""P17: scenarios of features/p17_progress.feature (steps in tests/bdd/conftest.py)."""
from pytest_bdd import scenarios

scenarios("p17_progress.feature")
