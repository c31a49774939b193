"""P18 insight for leadership: metrics, trends, breakdowns and hotspots (the signals — common
problems and surge alerts — are `app/services/signals/`).

Each module answers one kind of question with read-only queries; every figure's definition is in
docs/insight.md ("Definitions").
"""
