"""Persistence adapters: SQLAlchemy models, sessions and the unit of work."""
from . import models_analytics, models_policy  # noqa: F401  (their tables join the models' metadata)
