"""SpiffWorkflow adapter: parsing deployments, the restricted script engine, state (de)serialization.

Nothing here imports Flask or SQLAlchemy.
"""
