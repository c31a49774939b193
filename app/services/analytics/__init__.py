"""Process analytics over the trail (issue 21): heat map per element and flow, variants,
conformance, what-if on the deadline table. See docs/insight.md#process-analytics."""
