"""P18 signals (预警与共性问题): the common problems (共性问题) shared by several enterprises, grouped
by content (`common_problems`, with `text_sketch`, `group_merge`, `group_keywords`), and the surge
alerts (激增预警) of a town or domain (`surges`). Pages `/insight/signals`, API `/api/insight/…`."""
