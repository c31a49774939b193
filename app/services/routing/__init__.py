"""P4 routing use cases: the unit suggestion at intake and dispatch (`suggestions`), the
classifier's versions (`model_versions`: train, activate, evaluate, the active one), its live
figures (`usage`), the sample audit of automatic dispatches (`audit`) and the training labels
worth a second look (`label_review`). The classifier itself (no database) is `app.routing_model`."""
