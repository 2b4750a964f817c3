"""The benchmark of fts_app: served pages under load, long operations, memory, against baselines."""
