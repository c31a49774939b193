"""The names of the classifier's configurations, importable without scikit-learn (start-up stays
fast: the services and the CLI name a configuration long before any model is trained or loaded)."""

DEFAULT_CONFIG = "stacked3"
CONFIG_NAMES = ("baseline", "union_svc", "stacked", "stacked3", "fast")  # pipelines.CONFIGS, same order
FAST_CONFIG = "fast"  # the demo's: trains in seconds (make run), see docs/routing.md
