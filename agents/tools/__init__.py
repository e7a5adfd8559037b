"""The tools people run: the `leadrouter` command, the demo feed, the synthetic feed, explain."""
