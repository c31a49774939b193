"""Persistence adapters: SQLAlchemy models, sessions and the unit of work."""
from . import models_policy  # noqa: F401  (its tables join the models' metadata)
