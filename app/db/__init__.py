"""Persistence adapters: SQLAlchemy models, sessions and the unit of work."""
