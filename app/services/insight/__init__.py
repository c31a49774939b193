"""P18 insight for leadership: metrics, hotspots, common problems (共性问题) and surge alerts.

Each module answers one kind of question with read-only queries; every figure's definition is in
docs/insight.md ("Definitions").
"""
